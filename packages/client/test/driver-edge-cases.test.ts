import { getEventListeners } from 'node:events';
import { ManualClock } from '@bolt/test-support';
import { describe, expect, it, vi } from 'vitest';
import { Connection, type ResponseObserver } from '../src/connection.js';
import { driver } from '../src/index.js';
import { Pool } from '../src/pool.js';
import { memoryServer } from './support/bolt-fixture.js';
import { closeAfterTest } from './support/close-after-test.js';
import { memoryDriver } from './support/memory-driver.js';
import { ok, ScriptedPeer } from './support/scripted-peer.js';
import { newSeen, type Seen, testHandler } from './support/test-handler.js';

async function setup(
  options: {
    versions?: { major: number; minor: number }[];
    config?: Parameters<typeof driver>[1];
  } = {},
) {
  const seen: Seen = newSeen();
  const { d } = await memoryDriver(
    testHandler(seen),
    { versions: options.versions },
    options.config,
  );
  return { seen, d };
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: hung`)), ms)),
  ]);

describe('pool', () => {
  it('a waiter that timed out while a replacement connection was opening does not leak the slot', async () => {
    const fx = closeAfterTest(await memoryServer(testHandler(newSeen())));
    const clock = new ManualClock();
    let opens = 0;
    let slowOpenMayGoOn!: () => void;
    const pool = new Pool('x', {
      maxSize: 1,
      acquisitionTimeoutMs: 50,
      clock,
      open: async (signal) => {
        if (opens++ === 1) await new Promise<void>((r) => (slowOpenMayGoOn = r));
        return Connection.open({
          netModule: fx.netModule,
          host: 'localhost',
          port: fx.port,
          signal,
        });
      },
    });
    try {
      const first = await pool.acquire();
      const waiting = pool.acquire().catch((e) => e);
      // the connection breaks: its slot goes to the waiter, whose connection opens slowly
      first.destroy();
      pool.release(first);
      clock.advance(50);
      expect((await waiting).kind).toBe('pool-exhausted');
      slowOpenMayGoOn();
      // the connection opened too late goes to the idle list, not to the gone waiter
      await vi.waitFor(() => expect(pool.idleCount).toBe(1), { interval: 1 });
      expect(pool.activeCount).toBe(0);
      const again = await pool.acquire();
      pool.release(again);
    } finally {
      await pool.close();
    }
  });
});

describe('Bolt 3 streams', () => {
  it('iterating with fetchSize -1 on Bolt 3 reads every record', async () => {
    const { d } = await setup({ versions: [{ major: 3, minor: 0 }], config: { fetchSize: -1 } });
    const s = d.session();
    const run = async () => {
      let n = 0;
      for await (const _ of s.run('ROWS', { n: 10 })) n++;
      for await (const _ of s.run('ROWS', { n: 5000 })) n++;
      return n;
    };
    expect(await within(run(), 2000, 'iteration')).toBe(5010);
    await s.close();
    // the pooled connection must not stay paused for its next user
    const s2 = d.session();
    const next = s2.run('RETURN 1 AS n').records();
    expect(await within(next, 2000, 'next query')).toHaveLength(1);
    await s2.close();
  });

  it('Bolt 3 transaction: reading the second result before the first does not hang', async () => {
    const { d } = await setup({ versions: [{ major: 3, minor: 0 }], config: { fetchSize: 10 } });
    const s = d.session();
    const tx = await s.beginTransaction();
    const r1 = tx.run('ROWS', { n: 20_000 });
    const r2 = tx.run('ROWS', { n: 5 });
    let n = 0;
    const read = async () => {
      for await (const _ of r2) n++;
    };
    await within(read(), 2000, 'second result');
    expect(n).toBe(5);
    expect((await r1).records).toHaveLength(20_000);
    await tx.commit();
    await s.close();
  });
});

describe('results', () => {
  it('summary() in the middle of an iteration keeps the unread records readable by the iterator', async () => {
    const { d } = await setup({ config: { fetchSize: 10 } });
    const s = d.session();
    const result = s.run<{ i: number }>('ROWS', { n: 50 });
    const it = result[Symbol.asyncIterator]();
    expect((await it.next()).value.get('i')).toBe(0);
    const summary = await result.summary();
    expect(summary.query.text).toBe('ROWS');
    const rest: number[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value.get('i'));
    expect(rest).toEqual([...Array(49).keys()].map((i) => i + 1));
    await s.close();
  });
});

describe('results (2)', () => {
  it('starting the next query of a session while iterating keeps the rest for the iterator', async () => {
    const { d } = await setup({ config: { fetchSize: 10 } });
    const s = d.session();
    const first = s.run<{ i: number }>('ROWS', { n: 50 });
    const it = first[Symbol.asyncIterator]();
    expect((await it.next()).value.get('i')).toBe(0);
    const second = s.run('RETURN 1 AS n');
    expect((await second).records).toHaveLength(1);
    let n = 1;
    for (let r = await it.next(); !r.done; r = await it.next()) expect(r.value.get('i')).toBe(n++);
    expect(n).toBe(50);
    await s.close();
  });
});

describe('TLS settings', () => {
  function recorder() {
    const seen: any[] = [];
    const netModule = {
      name: 'recorder',
      async connect(options: any) {
        seen.push(options.tls);
        throw new Error('not really connecting');
      },
    };
    return { seen, netModule };
  }

  it('a +s URL cannot be downgraded to plain text by tls.enabled: false', () => {
    const { netModule } = recorder();
    for (const url of ['bolt+s://example.com', 'neo4j+ssc://example.com']) {
      const err = (() => {
        try {
          driver(url, { netModule, tls: { enabled: false } });
        } catch (e) {
          return e as { kind?: string; message: string };
        }
      })();
      expect(err?.kind).toBe('usage');
      expect(err?.message).toMatch(/encrypt/);
    }
  });

  it('a CA given for a +s URL is used (trust custom)', async () => {
    const { seen, netModule } = recorder();
    const d = driver('bolt+s://example.com', { netModule, tls: { ca: 'PEM' } });
    await d.verifyConnectivity().catch(() => {});
    expect(seen[0]).toMatchObject({ enabled: true, trust: 'custom', ca: 'PEM' });
    await d.close();
  });
});

describe('abort listeners', () => {
  it('a long-lived signal keeps no listeners after many operations', async () => {
    const { d } = await setup({ config: { fetchSize: 5, maxConnectionPoolSize: 2 } });
    const ac = new AbortController();
    const signal = ac.signal;
    const s = d.session();
    for (let i = 0; i < 20; i++) {
      await s.run('RETURN 1 AS n', {}, { signal }).records({ signal });
      await s.run('ROWS', { n: 12 }).summary({ signal });
      await s.run('ROWS', { n: 12 }).consume({ signal });
      await s.run('ROWS', { n: 12 }).keys({ signal });
      for await (const _ of s.run('ROWS', { n: 12 }).iterate({ signal })) break;
      await s.executeWrite((tx) => tx.run('RETURN 1 AS n'), { signal });
      const tx = await s.beginTransaction({ signal });
      await tx.run('ROWS', { n: 3 }).records({ signal });
      await tx.commit();
    }
    await s.close();
    expect(getEventListeners(signal, 'abort').length).toBe(0);
  });
});

describe('liveness check', () => {
  it('connectionLivenessCheckTimeoutMs 0 checks every reuse, however soon', async () => {
    const lines: string[] = [];
    const { d } = await setup({
      config: { connectionLivenessCheckTimeoutMs: 0, logger: { debug: (m) => lines.push(m) } },
    });
    const s = d.session();
    await s.run('RETURN 1 AS n');
    lines.length = 0;
    for (let i = 0; i < 20; i++) await s.run('RETURN 1 AS n');
    expect(lines.filter((l) => l === 'C: RESET')).toHaveLength(20);
    await s.close();
  });
});

describe('aborts and closing', () => {
  it('an auto-commit query aborted before it was sent is not run at all', async () => {
    const { d, seen } = await setup();
    const s = d.session();
    const ac = new AbortController();
    const r = s.run('WRITE');
    ac.abort();
    expect((await r.records({ signal: ac.signal }).catch((e) => e)).kind).toBe('aborted');
    expect((await r.summary().catch((e) => e)).kind).toBe('aborted');
    expect(seen.queries).toHaveLength(0);
    // the connection went back to the pool, and the session goes on
    expect(d.poolMetrics.active).toBe(0);
    expect((await s.run('RETURN 1 AS n')).records[0].get('n')).toBe(1);
    expect(seen.queries.map((q) => q.query)).toEqual(['RETURN 1 AS n']);
    await s.close();
  });

  it('driver.close() during a managed transaction fails it at once, without retrying', async () => {
    const warnings: string[] = [];
    const { d } = await setup({ config: { logger: { warn: (m) => warnings.push(m) } } });
    const s = d.session();
    let started: () => void = () => {};
    const running = new Promise<void>((r) => {
      started = r;
    });
    const work = s
      .executeWrite(async (tx) => {
        for await (const _ of tx.run('FOREVER')) started();
      })
      .catch((e) => e);
    await running;
    await d.close();
    const err = await work;
    expect(err.kind).toBe('connection-lost');
    expect(err.retryable).toBe(false);
    expect(warnings.filter((w) => /retrying/.test(w))).toEqual([]);
  });
});

describe('routing context in neo4j:// URLs', () => {
  it('rejects duplicated, empty and value-less parameters instead of guessing', async () => {
    const { parseUrl } = await import('../src/index.js');
    expect(() => parseUrl('neo4j://db?region=eu&region=us')).toThrow(/duplicated.*region/i);
    expect(() => parseUrl('neo4j://db?region=')).toThrow(/empty/);
    expect(() => parseUrl('neo4j://db?=eu')).toThrow(/empty/);
    expect(() => parseUrl('neo4j://db?region')).toThrow(/key=value/);
    expect(() => parseUrl('neo4j://db?address=x:1')).toThrow(/reserved/);
    expect(parseUrl('neo4j://db?policy=my%20policy&region=eu').context).toEqual({
      policy: 'my policy',
      region: 'eu',
    });
  });
});

describe('a request that times out', () => {
  it('fails the requests queued behind it with a retryable connection-lost error, not its timeout', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    peer.onRequest = (req, p) => {
      if (req.type === 'HELLO') p.send(ok({ server: 'Scripted/1.0', connection_id: 'c-1' }));
      if (req.type === 'LOGON') p.send(ok());
      // RESET is never answered
    };
    const c = await Connection.open({ netModule: peer.module, host: 'h', port: 1 });
    const reset = c.reset({ timeoutMs: 20 }).catch((e) => e);
    let behind: unknown;
    const observer: ResponseObserver = { onFailure: (e) => (behind = e) };
    c.enqueue({ type: 'RUN', query: 'RETURN 1', parameters: {}, extra: {} }, observer);
    expect((await reset).kind).toBe('timeout');
    expect(behind).toMatchObject({ kind: 'connection-lost', retryable: true });
    expect(c.open).toBe(false);
  });
});

describe('concurrent next()', () => {
  it('two next() calls made without waiting both resolve, in order', async () => {
    const { d } = await setup({ config: { fetchSize: 2 } });
    const s = d.session();
    const it = s.run<{ i: number }>('ROWS', { n: 3 })[Symbol.asyncIterator]();
    const [a, b] = await within(Promise.all([it.next(), it.next()]), 2000, 'next()');
    expect([a.value?.get('i'), b.value?.get('i')]).toEqual([0, 1]);
    const [c, e] = await within(Promise.all([it.next(), it.next()]), 2000, 'next()');
    expect(c.value?.get('i')).toBe(2);
    expect(e.done).toBe(true);
    await s.close();
  });
});

describe('a BEGIN that cannot be encoded', () => {
  it('beginTransaction rejects with a usage error; nothing runs outside a transaction; the connection is released', async () => {
    const { d, seen } = await setup();
    const s = d.session();
    const metadata = { bad: Symbol('not encodable') } as Record<string, unknown>;
    const tx = await s.beginTransaction({ metadata }).catch((e) => e);
    expect(tx.kind).toBe('usage');
    expect(d.poolMetrics.active).toBe(0);
    const err = await s.executeWrite((t) => t.run('WRITE'), { metadata }).catch((e) => e);
    expect(err.kind).toBe('usage');
    expect(seen.queries).toHaveLength(0);
    expect(d.poolMetrics.active).toBe(0);
    expect((await s.run('RETURN 1 AS n')).records).toHaveLength(1);
    await s.close();
  });
});

describe('per-session credentials that cannot be encoded', () => {
  it('fail that session with a usage error and leave the pool usable', async () => {
    const { d } = await setup();
    const bad = { scheme: 'basic', principal: 'x', credentials: Symbol('x') } as any;
    const s = d.session({ auth: bad });
    // the pooled connection exists first, authenticated with the driver's token
    await d.session().run('RETURN 1 AS n');
    expect((await s.run('RETURN 1 AS n').catch((e) => e)).kind).toBe('usage');
    const s2 = d.session();
    const r = await within(s2.run('RETURN 1 AS n').records(), 2000, 'next session');
    expect(r).toHaveLength(1);
    expect(d.poolMetrics.active).toBe(0);
    await s.close();
    await s2.close();
  });
});
