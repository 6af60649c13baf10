import { memoryNetwork } from '@bolt/net-adapters';
import { DateTime } from '@bolt/packstream';
import { ManualClock } from '@bolt/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, BoltError, Connection, type ResponseObserver } from '../src/index.js';
import { type Fixture, memoryServer } from './support/bolt-fixture.js';
import { newSeen, testHandler } from './support/test-handler.js';

let fx: Fixture | undefined;
const conns: Connection[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.destroy();
  await fx?.close();
  fx = undefined;
});

async function open(
  versions?: { major: number; minor: number }[],
  extra: Partial<Parameters<typeof Connection.open>[0]> = {},
  serverExtra: Record<string, unknown> = {},
) {
  const seen = newSeen();
  // a manual clock given to the server is also what its SLOW queries wait on
  const clock = serverExtra.clock as ManualClock | undefined;
  fx = await memoryServer(testHandler(seen, { clock }), { versions, ...serverExtra });
  const conn = await Connection.open({
    netModule: fx.netModule,
    host: 'localhost',
    port: fx.port,
    auth: auth.basic('neo4j', 'pw'),
    legacyVersions: versions?.some((v) => v.major < 3),
    ...extra,
  });
  conns.push(conn);
  return { conn, seen };
}

/** Collects one request's responses. */
function collector() {
  const records: unknown[][] = [];
  let resolve!: (v: { records: unknown[][]; md?: Record<string, any>; error?: BoltError }) => void;
  const done = new Promise<{ records: unknown[][]; md?: Record<string, any>; error?: BoltError }>(
    (r) => {
      resolve = r;
    },
  );
  const observer: ResponseObserver = {
    onRecord: (f) => records.push(f),
    onSuccess: (md) => resolve({ records, md }),
    onFailure: (error) => resolve({ records, error }),
  };
  return { observer, done };
}

const VERSIONS = [
  [6, 1],
  [6, 0],
  [5, 8],
  [5, 4],
  [5, 1],
  [5, 0],
  [4, 4],
  [4, 3],
  [4, 2],
  [4, 1],
  [4, 0],
  [3, 0],
  [2, 0],
  [1, 0],
];

describe('Connection: handshake and authentication on every version', () => {
  for (const [major, minor] of VERSIONS) {
    it(`negotiates Bolt ${major}.${minor}, authenticates and runs a query`, async () => {
      const { conn, seen } = await open([{ major, minor }]);
      expect(conn.version).toEqual({ major, minor });
      expect(conn.state).toBe('READY');
      expect(seen.auths).toEqual([{ scheme: 'basic', principal: 'neo4j', credentials: 'pw' }]);
      const run = collector();
      const pull = collector();
      conn.enqueue({ type: 'RUN', query: 'ECHO', parameters: { x: 42 }, extra: {} }, run.observer);
      conn.pull(-1, undefined, pull.observer);
      const r = await run.done;
      expect(r.md?.fields).toEqual(['p']);
      const p = await pull.done;
      expect(p.error).toBeUndefined();
      expect(p.records).toEqual([[{ x: 42 }]]);
      expect(conn.state).toBe('READY');
    });
  }

  it('prefers the newest version through the manifest', async () => {
    const { conn } = await open();
    expect(conn.version).toEqual({ major: 6, minor: 1 });
  });

  it('asks 4.4 servers for the utc patch and switches DateTime encoding when it is echoed', async () => {
    const { conn } = await open([{ major: 4, minor: 4 }]);
    expect(conn.features.utcDateTime).toBe(true);
    const run = collector();
    const pull = collector();
    const dt = new DateTime(2024, 5, 6, 7, 8, 9, 10, 3600);
    conn.enqueue({ type: 'RUN', query: 'ECHO', parameters: { dt }, extra: {} }, run.observer);
    conn.pull(-1, undefined, pull.observer);
    const p = await pull.done;
    expect((p.records[0][0] as any).dt).toEqual(dt);
  });

  it('does not ask for the utc patch when utcPatch is false', async () => {
    const { conn } = await open([{ major: 4, minor: 4 }], { utcPatch: false });
    expect(conn.features.utcDateTime).toBe(false);
  });

  it('reports a wrong password as a server error and closes', async () => {
    const seen = newSeen();
    fx = await memoryServer(testHandler(seen));
    const err = await Connection.open({
      netModule: fx.netModule,
      host: 'localhost',
      port: fx.port,
      auth: auth.basic('neo4j', 'wrong'),
    }).catch((e) => e);
    expect(BoltError.isInstance(err)).toBe(true);
    expect(err.kind).toBe('server');
    expect(err.code).toBe('Neo.ClientError.Security.Unauthorized');
  });
});

describe('Connection: refused and unreachable servers', () => {
  it('could-not-connect when nothing listens', async () => {
    const net = memoryNetwork();
    const err = await Connection.open({ netModule: net.module, host: 'localhost', port: 1 }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(BoltError);
    expect(err.kind).toBe('could-not-connect');
    expect(err.code).toBe('ServiceUnavailable');
    expect(err.retryable).toBe(true);
  });

  it('protocol-refused when an HTTP server answers', async () => {
    const net = memoryNetwork();
    const listener = await net.listener.listen({ port: 0 }, (t) => {
      t.receive({
        onData() {
          t.write(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n'));
          t.end();
        },
        onEnd() {},
      });
    });
    try {
      const err = await Connection.open({
        netModule: net.module,
        host: 'localhost',
        port: listener.address.port,
      }).catch((e) => e);
      expect(err.kind).toBe('protocol-refused');
      expect(err.message).toMatch(/HTTP/);
      expect(err.retryable).toBe(false);
    } finally {
      await listener.close();
    }
  });

  it('protocol-refused when there is no common version', async () => {
    fx = await memoryServer(testHandler(newSeen()), {
      versions: [{ major: 5, minor: 8 }],
      manifest: false,
    });
    const err = await Connection.open({
      netModule: fx.netModule,
      host: 'localhost',
      port: fx.port,
      protocolVersions: [{ major: 3, minor: 0 }],
    }).catch((e) => e);
    expect(err.kind).toBe('protocol-refused');
    expect(err.message).toMatch(/supports no Bolt version/);
  });

  // A close before any byte of the handshake answer is how a server at its connection limit
  // refuses: a connection failure, retryable (issue 11). Partial answers stay protocol-refused
  // (release.test.ts).
  it('could-not-connect (retryable) when the peer closes before answering the handshake', async () => {
    const net = memoryNetwork();
    const listener = await net.listener.listen({ port: 0 }, (t) => {
      t.receive({ onData: () => t.end(), onEnd() {} });
    });
    try {
      const err = await Connection.open({
        netModule: net.module,
        host: 'h',
        port: listener.address.port,
      }).catch((e) => e);
      expect(err.kind).toBe('could-not-connect');
      expect(err.retryable).toBe(true);
    } finally {
      await listener.close();
    }
  });

  it('times out opening after connectTimeoutMs when the peer never answers', async () => {
    const net = memoryNetwork();
    const listener = await net.listener.listen({ port: 0 }, (t) =>
      t.receive({ onData() {}, onEnd() {} }),
    );
    try {
      const clock = new ManualClock();
      let settled = false;
      const opening = Connection.open({
        netModule: net.module,
        host: 'h',
        port: listener.address.port,
        connectTimeoutMs: 100,
        clock,
      })
        .catch((e) => e)
        .finally(() => {
          settled = true;
        });
      expect(await clock.whenTimer()).toBe(100);
      clock.advance(99);
      await turns();
      expect(settled).toBe(false);
      clock.advance(1);
      const err = await opening;
      expect(err.kind).toBe('timeout');
      expect(clock.pending).toBe(0);
    } finally {
      await listener.close();
    }
  });

  it('aborts opening through an AbortSignal', async () => {
    const net = memoryNetwork();
    const listener = await net.listener.listen({ port: 0 }, (t) =>
      t.receive({ onData() {}, onEnd() {} }),
    );
    try {
      const ac = new AbortController();
      const p = Connection.open({
        netModule: net.module,
        host: 'h',
        port: listener.address.port,
        signal: ac.signal,
      });
      setTimeout(() => ac.abort(), 20);
      const err = await p.catch((e) => e);
      expect(err.kind).toBe('aborted');
    } finally {
      await listener.close();
    }
  });
});

describe('Connection: pipelining, failures, RESET', () => {
  it('writes many queued requests in one transport write and matches responses in order', async () => {
    const { conn } = await open([{ major: 5, minor: 8 }]);
    const writesBefore = fx!.netModule.writes;
    const pulls = [1, 2, 3].map(() => collector());
    for (let i = 0; i < 3; i++) {
      conn.enqueue({ type: 'RUN', query: 'ECHO', parameters: { i }, extra: {} });
      conn.pull(-1, undefined, pulls[i].observer);
    }
    conn.flush();
    expect(fx!.netModule.writes - writesBefore).toBe(1);
    const out = await Promise.all(pulls.map((p) => p.done));
    expect(out.map((o) => o.records[0][0])).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
  });

  for (const [major, minor] of [
    [6, 1],
    [5, 8],
    [5, 0],
    [4, 4],
    [4, 0],
    [3, 0],
    [2, 0],
    [1, 0],
  ])
    it(`gives IGNORED observers the original failure, and RESET clears FAILED (Bolt ${major}.${minor})`, async () => {
      const { conn } = await open([{ major, minor }]);
      const run = collector();
      const pull = collector();
      const next = collector();
      conn.enqueue(
        {
          type: 'RUN',
          query: 'ERROR',
          parameters: { code: 'Neo.ClientError.Statement.SyntaxError' },
          extra: {},
        },
        run.observer,
      );
      conn.pull(-1, undefined, pull.observer);
      conn.enqueue(
        { type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} },
        next.observer,
      );
      const [r, p, n] = await Promise.all([run.done, pull.done, next.done]);
      expect(r.error?.code).toBe('Neo.ClientError.Statement.SyntaxError');
      expect(p.error).toBe(r.error);
      expect(n.error).toBe(r.error);
      expect(conn.state).toBe('FAILED');
      await conn.reset();
      expect(conn.state).toBe('READY');
      const pull2 = collector();
      conn.enqueue({ type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} });
      conn.pull(-1, undefined, pull2.observer);
      expect((await pull2.done).records).toEqual([[1]]);
    });

  it('RESET interrupts an endless stream', async () => {
    const { conn, seen } = await open([{ major: 5, minor: 8 }]);
    const run = collector();
    const pull = collector();
    conn.enqueue({ type: 'RUN', query: 'FOREVER', parameters: {}, extra: {} }, run.observer);
    conn.pull(10, undefined, pull.observer);
    const first = await pull.done;
    expect(first.md?.has_more).toBe(true);
    expect(first.records).toHaveLength(10);
    expect(conn.state).toBe('STREAMING');
    const more = collector();
    conn.pull(10, undefined, more.observer);
    await conn.reset();
    const m = await more.done;
    // the PULL either completed before the RESET arrived or was interrupted (IGNORED)
    if (m.error) expect(m.error.kind).toBe('aborted');
    expect(conn.state).toBe('READY');
    expect(seen.closedEarly).toBe(1);
  });

  it('tracks explicit transaction states with the parser transition table', async () => {
    const { conn } = await open([{ major: 4, minor: 4 }]);
    const b = collector();
    conn.begin({}, b.observer);
    await b.done;
    expect(conn.state).toBe('TX_READY');
    const r = collector();
    const p = collector();
    conn.enqueue({ type: 'RUN', query: 'ROWS', parameters: { n: 5 }, extra: {} }, r.observer);
    conn.pull(2, -1, p.observer);
    await p.done;
    expect(conn.state).toBe('TX_STREAMING');
    const d = collector();
    conn.discard((await r.done).md?.qid, d.observer);
    await d.done;
    expect(conn.state).toBe('TX_READY');
    const c = collector();
    conn.commit(c.observer);
    expect((await c.done).md?.bookmark).toMatch(/^bm-/);
    expect(conn.state).toBe('READY');
  });

  it('fails outstanding requests with connection-lost when the transport dies', async () => {
    const { conn } = await open([{ major: 5, minor: 8 }]);
    const run = collector();
    const pull = collector();
    conn.enqueue({ type: 'RUN', query: 'SLOW', parameters: { ms: 2000 }, extra: {} }, run.observer);
    conn.pull(-1, undefined, pull.observer);
    conn.flush();
    await new Promise((r) => setTimeout(r, 20));
    fx!.serverTransports[0].destroy(new Error('cable cut'));
    const p = await pull.done;
    expect(p.error?.kind).toBe('connection-lost');
    expect(p.error?.retryable).toBe(true);
    expect(conn.open).toBe(false);
    expect(conn.state).toBe('DEFUNCT');
  });

  it('sends GOODBYE on close', async () => {
    const lines: string[] = [];
    const { conn } = await open([{ major: 5, minor: 8 }], {
      logger: { debug: (m) => lines.push(m) },
    });
    await conn.close();
    expect(lines.at(-1)).toBe('C: GOODBYE');
    expect(conn.open).toBe(false);
  });
});

describe('Connection: keep-alives, receive timeout, logging', () => {
  it('ignores NOOP keep-alives while a slow query runs', async () => {
    // one clock for both sides: the server's keep-alives, the client's receive timeout, SLOW
    const clock = new ManualClock();
    const { conn } = await open(
      [{ major: 5, minor: 8 }],
      { clock },
      { recvTimeoutSeconds: 1, keepAliveIntervalMs: 100, clock },
    );
    expect(conn.recvTimeoutMs).toBe(1000);
    const run = collector();
    const pull = collector();
    conn.enqueue({ type: 'RUN', query: 'SLOW', parameters: { ms: 1500 }, extra: {} }, run.observer);
    conn.pull(-1, undefined, pull.observer);
    await clock.whenTimer((ms) => ms === 1500); // the server runs SLOW
    // 100 ms at a time, each NOOP delivered before the next step
    for (let t = 0; t < 1500; t += 100) {
      clock.advance(100);
      await turns();
    }
    const p = await pull.done;
    expect(p.error).toBeUndefined();
    expect(p.records).toEqual([[true]]);
  });

  it('closes the connection when the server stays silent past connection.recv_timeout_seconds', async () => {
    // routed or not, a silent server is ServiceUnavailable (a lost routed connection is
    // SessionExpired), retryable
    for (const routing of [undefined, {}]) {
      const clock = new ManualClock();
      const { conn } = await open(
        [{ major: 5, minor: 8 }],
        { routing, clock },
        { recvTimeoutSeconds: 1, keepAliveIntervalMs: 0 },
      );
      const run = collector();
      const pull = collector();
      let settled = false;
      pull.done.finally(() => {
        settled = true;
      });
      conn.enqueue(
        { type: 'RUN', query: 'SLOW', parameters: { ms: 2500 }, extra: {} },
        run.observer,
      );
      conn.pull(-1, undefined, pull.observer);
      await turns(); // RUN's SUCCESS came; then nothing more
      expect(await clock.whenTimer()).toBe(1000); // armed at the write
      clock.advance(999);
      await turns();
      expect(settled).toBe(false);
      clock.advance(1);
      const p = await pull.done;
      expect(p.error?.kind).toBe('connection-lost');
      expect(p.error?.code).toBe('ServiceUnavailable');
      expect(p.error?.retryable).toBe(true);
      expect(p.error?.message).toMatch(
        /the server didn't respond in \d+ ms: .*recv_timeout_seconds/,
      );
    }
  });

  it('does not time out an idle connection (the timer runs only while requests are outstanding)', async () => {
    const clock = new ManualClock();
    const { conn } = await open(
      [{ major: 5, minor: 8 }],
      { clock },
      { recvTimeoutSeconds: 1, keepAliveIntervalMs: 0 },
    );
    await turns();
    expect(clock.pending).toBe(0);
    clock.advance(1300);
    expect(conn.open).toBe(true);
    await conn.reset();
  });

  it('ignores the hint when honourRecvTimeout is false', async () => {
    const { conn } = await open(
      [{ major: 5, minor: 8 }],
      { honourRecvTimeout: false },
      { recvTimeoutSeconds: 1 },
    );
    expect(conn.recvTimeoutMs).toBe(0);
  });

  it('logs every message at debug level with credentials redacted', async () => {
    const lines: string[] = [];
    const { conn } = await open([{ major: 5, minor: 8 }], {
      logger: { debug: (m) => lines.push(m) },
    });
    const pull = collector();
    conn.enqueue({ type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} });
    conn.pull(-1, undefined, pull.observer);
    await pull.done;
    const text = lines.join('\n');
    expect(text).toMatch(/^C: HELLO \{"user_agent"/m);
    expect(text).toMatch(
      /^C: LOGON \{"scheme":"basic","principal":"neo4j","credentials":"\*\*\*\*\*\*"\}/m,
    );
    expect(text).not.toContain('"pw"');
    expect(text).toMatch(/^C: RUN "RETURN 1 AS n" \{\} \{\}$/m);
    expect(text).toMatch(/^C: PULL \{"n":-1\}$/m);
    expect(text).toMatch(/^S: RECORD \[1\]$/m);
    expect(text).toMatch(/^S: SUCCESS \{.*"fields":\["n"\]/m);
  });

  it('redacts credentials inline in HELLO on 4.4', async () => {
    const lines: string[] = [];
    await open([{ major: 4, minor: 4 }], { logger: { debug: (m) => lines.push(m) } });
    const hello = lines.find((l) => l.startsWith('C: HELLO'))!;
    expect(hello).toContain('"credentials":"******"');
    expect(hello).toContain('"patch_bolt":["utc"]');
    expect(hello).not.toContain('"pw"');
  });
});

/** Let the in-memory network deliver what is in flight (it moves bytes one macrotask at a
 *  time). */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}
