// The demo dialogue (after the asyncbolt demo): a raw pipelined connection showing the wire,
// then the driver API, then the same queries through the official neo4j-driver.

import { createRequire } from 'node:module';
import { auth, BoltError, Connection, driver } from '@bolt/client';
import { tcp, tls } from '@bolt/net-adapters/node';
import { createServer } from '@bolt/server';
import neo4j from 'neo4j-driver';
import { demoHandler } from './demo-handler.mjs';

/**
 * One line for a failed demo run: the error's message, and for a BoltError its kind and code
 * (a wrong BOLT_PASSWORD reads `kind server, code Neo.ClientError.Security.Unauthorized`).
 * The stack trace only with BOLT_DEBUG set.
 */
export function describeFailure(e, env = process.env) {
  const what = BoltError.isInstance(e)
    ? `${e.message} (kind ${e.kind}, code ${e.code})`
    : String(e?.message ?? e);
  return `demo failed: ${what}${env.BOLT_DEBUG && e?.stack ? `\n${e.stack}` : ''}`;
}

/**
 * Runs the whole dialogue. Without BOLT_URI it starts an embedded @bolt/server on a free
 * loopback port; with BOLT_URI (and BOLT_USER / BOLT_PASSWORD) it talks to that server instead.
 * `out` receives every line printed. Returns what a test needs to check.
 */
export async function runDemo({ out = console.log, env = process.env } = {}) {
  const say = (line = '') => out(line);
  const facts = { queries: 0, wireLines: 0 };
  let server;
  let uri = env.BOLT_URI;
  let token;
  if (uri) {
    token = auth.basic(env.BOLT_USER ?? 'neo4j', env.BOLT_PASSWORD ?? '');
    say(`Talking to ${uri}`);
  } else {
    server = createServer({ handler: demoHandler(), agent: 'BoltDemo/0.1.0' });
    const listener = await server.listen(tcp(), { host: '127.0.0.1', port: 0 });
    uri = `bolt://127.0.0.1:${listener.address.port}`;
    token = auth.basic('neo4j', 'password');
    say(`Embedded @bolt/server listening on ${uri}`);
  }
  const target = new URL(uri);
  const secure = /\+s{1,2}c?$/.test(target.protocol.replace(':', ''));

  try {
    // ---- 1. The raw connection: every message on the wire --------------------------------
    say('\n== 1. A raw connection (handshake, HELLO/LOGON, the wire at debug level)');
    const wire = {
      debug(line) {
        facts.wireLines++;
        say(`   ${line}`);
      },
    };
    const conn = await Connection.open({
      netModule: secure ? tls() : tcp(),
      host: target.hostname,
      port: Number(target.port || 7687),
      tls: secure
        ? { enabled: true, trust: target.protocol.includes('ssc') ? 'all' : 'system' }
        : undefined,
      auth: token,
      userAgent: 'bolt-demo/0.1.0',
      logger: wire,
    });
    facts.version = `${conn.version.major}.${conn.version.minor}`;
    facts.server = conn.server;
    say(`Negotiated Bolt ${facts.version} with ${conn.server} (connection ${conn.connectionId})`);

    say('\n-- Running a query');
    const one = await query(conn, 'RETURN 1 AS num');
    say(`   records: ${JSON.stringify(one.records)}`);
    facts.returnOne = one.records[0]?.[0];

    say('\n-- Pipelining: two RUN+PULL pairs, one write');
    const both = await Promise.all([
      query(conn, 'RETURN 1 AS num', {}, false),
      query(conn, 'RETURN 1 AS num', {}, false),
      flushNow(conn),
    ]);
    facts.pipelined = both.slice(0, 2).map((r) => r.records[0][0]);
    say(`   results: ${JSON.stringify(facts.pipelined)}`);

    say('\n-- Error handling with RESET');
    try {
      await query(conn, 'This will cause a syntax error');
    } catch (e) {
      if (!BoltError.isInstance(e)) throw e;
      facts.errorCode = e.code;
      say(`   failed as expected: ${e.code}: ${e.message}`);
    }
    await conn.reset();
    say(`   after RESET the connection is ${conn.state}`);

    say('\n-- Basic result metadata');
    const created = await query(conn, 'CREATE ()');
    facts.stats = created.summary.stats;
    say(`   stats: ${JSON.stringify(created.summary.stats)}, type: ${created.summary.type}`);

    say('\n-- Explaining a query (plan metadata)');
    const explained = await query(conn, 'EXPLAIN RETURN 1 AS num');
    facts.planRoot = explained.summary.plan?.operatorType;
    say(`   plan: ${describePlan(explained.summary.plan)}`);

    say('\n-- Notifications');
    const warned = await query(conn, 'EXPLAIN MATCH (n), (m) RETURN n, m');
    // Before Bolt 5.6 they come as `notifications`; from 5.6 as GQL `statuses`, where the ones
    // that are also legacy notifications carry a `neo4j_code` (the rest is the outcome status).
    const statuses = warned.summary.statuses ?? [];
    const notes = warned.summary.notifications ?? statuses.filter((s) => s.neo4j_code);
    facts.notifications = notes.map((n) => n.code ?? n.neo4j_code);
    say(`   ${notes.length} notification(s): ${facts.notifications.join(', ')}`);
    if (statuses.length) say(`   GQL statuses: ${statuses.map((s) => s.gql_status).join(', ')}`);

    say('\n-- Getting some nodes');
    const got = await query(conn, 'MATCH (n) RETURN n');
    facts.nodes = got.records.length;
    for (const [n] of got.records) say(`   ${n}`);

    say('\n-- Resetting and closing (GOODBYE)');
    await conn.reset();
    await conn.close();

    // ---- 2. The driver API ----------------------------------------------------------------
    say('\n== 2. The driver: sessions, streaming results, transactions');
    const d = driver(uri, {
      auth: token,
      userAgent: 'bolt-demo/0.1.0',
      netModule: secure ? tls() : tcp(),
    });
    try {
      const session = d.session();
      const result = session.run('UNWIND range(1, $n) AS x RETURN x', { n: 2500 });
      let sum = 0;
      for await (const record of result) sum += record.get('x');
      const summary = await result.summary();
      facts.streamedSum = sum;
      say(
        `   streamed 2500 records (PULL batches of 1000), sum ${sum}, query type ${summary.queryType}`,
      );
      const rels = await session.executeRead((tx) =>
        tx.run('MATCH (a)-[r:KNOWS]->(b) RETURN a.name AS from, r, b.name AS to'),
      );
      for (const r of rels.records)
        say(`   ${r.get('from')} -[${r.get('r').type}]-> ${r.get('to')}`);
      facts.knows = rels.records.length;
      const write = await session.executeWrite((tx) => tx.run('CREATE ()'));
      facts.bookmarks = session.lastBookmarks();
      say(
        `   executeWrite: ${write.summary.counters.updates().nodesCreated} node created; bookmarks ${JSON.stringify(facts.bookmarks)}`,
      );
      await session.close();
      const { records } = await d.executeQuery('MATCH (n) RETURN n');
      say(`   executeQuery: ${records.length} nodes`);
    } finally {
      await d.close();
    }

    // ---- 3. The official neo4j-driver, same queries -----------------------------------------
    say('\n== 3. The official neo4j-driver against the same server');
    const official = neo4j.driver(uri, neo4j.auth.basic(token.principal, token.credentials), {
      disableLosslessIntegers: true,
      logging: { level: 'error', logger: () => {} },
    });
    const officialVersion = createRequire(import.meta.url)('neo4j-driver/package.json').version;
    try {
      const info = await official.getServerInfo();
      say(
        `   neo4j-driver ${officialVersion} connected: ${info.agent}, Bolt ${info.protocolVersion}`,
      );
      const res = await official.executeQuery('MATCH (n) RETURN n');
      facts.officialNodes = res.records.length;
      for (const r of res.records)
        say(
          `   ${r.get('n').labels.join(':') || '(no label)'} ${JSON.stringify(r.get('n').properties)}`,
        );
      try {
        await official.executeQuery('This will cause a syntax error');
      } catch (e) {
        facts.officialErrorCode = e.code;
        say(`   the syntax error reaches it as ${e.constructor.name} ${e.code}`);
      }
    } finally {
      await official.close();
    }
    say('\nDone.');
    return facts;
  } finally {
    await server?.close();
  }

  // Run one query on the raw connection: RUN + PULL all, wait for the final summary.
  function query(c, text, parameters = {}, flush = true) {
    facts.queries++;
    return new Promise((resolve, reject) => {
      const records = [];
      let fields = [];
      c.enqueue(
        { type: 'RUN', query: text, parameters, extra: {} },
        { onSuccess: (m) => (fields = m.fields ?? []), onFailure: reject },
      );
      c.pull(-1, undefined, {
        onRecord: (values) => records.push(values),
        onSuccess: (summary) => resolve({ fields, records, summary }),
        onFailure: reject,
      });
      if (flush) c.flush();
    });
  }
}

function flushNow(conn) {
  conn.flush();
  return undefined;
}

function describePlan(plan, depth = 0) {
  if (!plan) return '(none)';
  const kids = (plan.children ?? []).map((c) => describePlan(c, depth + 1)).join(', ');
  return kids ? `${plan.operatorType}(${kids})` : plan.operatorType;
}
