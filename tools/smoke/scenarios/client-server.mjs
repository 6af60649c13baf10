// An app's first day: @bolt/server serves a query over TCP on 127.0.0.1, @bolt/client asks it.
import { createRequire } from 'node:module';
import { auth, BoltError, driver } from '@bolt/client';
import { tcp } from '@bolt/net-adapters/node';
import { Node } from '@bolt/packstream';
import { createServer } from '@bolt/server';
import { check, done, same } from './check.mjs';

const require = createRequire(import.meta.url);
const clientVersion = require('@bolt/client/package.json').version;
const serverVersion = require('@bolt/server/package.json').version;
const seen = { userAgent: undefined, boltAgent: undefined };
const server = createServer({
  handler: {
    authenticate: (token, connection) => {
      seen.userAgent = connection.userAgent;
      seen.boltAgent = connection.boltAgent;
      return token.credentials === 'secret' ? { username: token.principal } : undefined;
    },
    run: (_query, parameters) => ({
      fields: ['greeting', 'n', 'person'],
      records: [
        [`hello ${parameters.name}`, 42, new Node(1, ['Person'], { name: 'Ann' }, '4:x:1')],
      ],
      summary: { type: 'r' },
    }),
  },
});
const listener = await server.listen(tcp(), { host: '127.0.0.1', port: 0 });
const url = `bolt://127.0.0.1:${listener.address.port}`;
const d = driver(url, { auth: auth.basic('neo4j', 'secret'), connectionTimeoutMs: 10_000 });

try {
  await check('client: a query against @bolt/server over TCP returns its records', async () => {
    const { records, summary } = await d.executeQuery('RETURN $name', { name: 'world' });
    same(records.length, 1, 'records');
    same(records[0].get('greeting'), 'hello world', 'greeting');
    same(records[0].get('n'), 42, 'n');
    same(summary.queryType, 'r', 'queryType');
    same(summary.server.agent, `BoltServer/${serverVersion}`, 'server agent');
  });

  await check(
    'client: a Node from the server is an instance of @bolt/packstream Node',
    async () => {
      const session = d.session();
      try {
        const r = await session.run('RETURN person').single();
        same(r.get('person') instanceof Node, true, 'instanceof');
        same(r.get('person').properties.name, 'Ann', 'name');
      } finally {
        await session.close();
      }
    },
  );

  await check('client: the user agent carries the real package version', () => {
    same(seen.userAgent, `bolt-client/${clientVersion}`, 'user_agent');
    same(seen.boltAgent?.product, `bolt-client/${clientVersion}`, 'bolt_agent.product');
  });

  await check('client: a wrong password is a BoltError with a Neo4j code', async () => {
    const bad = driver(url, { auth: auth.basic('neo4j', 'wrong') });
    try {
      await bad.verifyConnectivity();
      throw new Error('connected with a wrong password');
    } catch (e) {
      same(BoltError.isInstance(e), true, 'BoltError');
      same(e.code, 'Neo.ClientError.Security.Unauthorized', 'code');
    } finally {
      await bad.close();
    }
  });
} finally {
  await d.close();
  await server.close({ graceMs: 100 });
}
done();
