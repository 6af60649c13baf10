import type { ConnectOptions, NetModule } from '@bolt/net-adapters';
import { describe, expect, it } from 'vitest';
import { auth, type BoltError, driver } from '../src/index.js';
import { memoryServer } from './support/bolt-fixture.js';
import { closeAfterTest } from './support/close-after-test.js';
import { newSeen, testHandler } from './support/test-handler.js';

// domainNameResolver: a server's host name becomes the addresses to dial, tried in order until
// one connects (testkit: routing, test_should_request_rt_from_all_initial_routers_until_*).
// Nothing here leaves the machine: the addresses are only names handed to an in-memory network.

/** A network module that records what is dialed, refuses `refused`, and connects the rest to
 *  the fixture's in-memory server. */
async function dialing(refused: string[]) {
  const fx = closeAfterTest(await memoryServer(testHandler(newSeen())));
  const dialed: ConnectOptions[] = [];
  const netModule: NetModule = {
    name: 'dialing',
    async connect(options) {
      dialed.push(options);
      if (refused.includes(options.host)) throw new Error(`connect ECONNREFUSED ${options.host}`);
      return fx.netModule.connect({ ...options, host: 'localhost', port: fx.port });
    },
  };
  return { netModule, dialed };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: BoltError) => e,
  );

describe('domainNameResolver', () => {
  it('dials the addresses it gives, in order, until one connects', async () => {
    const { netModule, dialed } = await dialing(['10.0.0.1']);
    const asked: string[] = [];
    const d = closeAfterTest(
      driver('bolt://db.example:7687', {
        auth: auth.basic('neo4j', 'pw'),
        netModule,
        domainNameResolver: async (host) => {
          asked.push(host);
          return ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
        },
      }),
    );
    const { records } = await d.executeQuery('RETURN 1 AS n');
    expect(records[0].get('n')).toBe(1);
    expect(asked).toEqual(['db.example']);
    expect(dialed.map((o) => `${o.host}:${o.port}`)).toEqual(['10.0.0.1:7687', '10.0.0.2:7687']);
    // the connection is still the server's address, as named
    expect((await d.getServerInfo()).address).toBe('db.example:7687');
  });

  it('keeps verifying TLS certificates for the host name', async () => {
    const { netModule, dialed } = await dialing(['10.0.0.1']);
    const d = closeAfterTest(
      driver('bolt+s://db.example:7687', {
        auth: auth.basic('neo4j', 'pw'),
        netModule,
        domainNameResolver: () => ['10.0.0.1'],
      }),
    );
    await failure(d.verifyConnectivity());
    expect(dialed).toHaveLength(1);
    expect(dialed[0].host).toBe('10.0.0.1');
    expect(dialed[0].tls).toMatchObject({ enabled: true, servername: 'db.example' });
  });

  it('every address refused: a could-not-connect error that names what was tried', async () => {
    const { netModule } = await dialing(['10.0.0.1', '10.0.0.2']);
    const d = closeAfterTest(
      driver('bolt://db.example:7687', {
        auth: auth.basic('neo4j', 'pw'),
        netModule,
        domainNameResolver: () => ['10.0.0.1', '10.0.0.2'],
        connectionAcquisitionTimeoutMs: 1000,
      }),
    );
    const e = await failure(d.verifyConnectivity());
    expect(e).toMatchObject({ kind: 'could-not-connect', retryable: true });
    expect(e?.message).toContain('tried 10.0.0.1, 10.0.0.2');
    expect(e?.message).toContain('ECONNREFUSED 10.0.0.2');
  });

  for (const [what, resolver, says] of [
    ['fails', () => Promise.reject(new Error('no such zone')), 'resolver failed for db.example'],
    ['gives no address', () => [], 'gave no address for db.example'],
    ['gives something else', () => 'db.example' as never, 'something other than a list'],
  ] as const)
    it(`a resolver that ${what}: could-not-connect, nothing dialed`, async () => {
      const { netModule, dialed } = await dialing([]);
      const d = closeAfterTest(
        driver('bolt://db.example:7687', {
          auth: auth.basic('neo4j', 'pw'),
          netModule,
          domainNameResolver: resolver,
          connectionAcquisitionTimeoutMs: 1000,
        }),
      );
      const e = await failure(d.verifyConnectivity());
      expect(e).toMatchObject({ kind: 'could-not-connect' });
      expect(e?.message).toContain(says);
      expect(dialed).toEqual([]);
    });

  it('must be a function', () => {
    expect(() =>
      driver('bolt://db.example:7687', {
        netModule: { name: 'none', connect: () => Promise.reject(new Error('no')) },
        domainNameResolver: ['10.0.0.1'] as never,
      }),
    ).toThrow(/domainNameResolver must be a function/);
  });
});
