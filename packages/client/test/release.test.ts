import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryNetwork, registerNetModule } from '@bolt/net-adapters';
import { tcp } from '@bolt/net-adapters/node';
import { Date as BoltDate, type StructSpec, Structure } from '@bolt/packstream';
import { ClientHandshake, type Response } from '@bolt/parser';
import { createServer } from '@bolt/server';
import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import {
  auth,
  type BoltError,
  CLIENT_PRODUCT,
  Connection,
  driver,
  PROTOCOL_ERROR,
  type ResponseObserver,
} from '../src/index.js';
import { driver as nodeDriver } from '../src/node.js';
import { memoryServer } from './support/bolt-fixture.js';
import { closeAfterTest } from './support/close-after-test.js';
import { memoryDriver } from './support/memory-driver.js';
import { autoHello, ok, record, ScriptedPeer } from './support/scripted-peer.js';
import { newSeen, testHandler } from './support/test-handler.js';

// Release-readiness fixes (what a new user hits on day one).
const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

describe('release: identity', () => {
  it('user_agent and bolt_agent carry the real package version', async () => {
    expect(CLIENT_PRODUCT).toBe(`bolt-client/${manifest.version}`);
    const seen = newSeen();
    let agents: { user?: string; bolt?: unknown } = {};
    const handler = testHandler(seen);
    const { d } = await memoryDriver({
      ...handler,
      authenticate: (token, connection) => {
        agents = { user: connection.userAgent, bolt: connection.boltAgent };
        return handler.authenticate!(token, connection);
      },
    });
    await d.verifyConnectivity();
    expect(agents.user).toBe(`bolt-client/${manifest.version}`);
    expect(agents.bolt).toMatchObject({ product: `bolt-client/${manifest.version}` });
  });
});

// ---- hostile peers ----------------------------------------------------------------------------

/** Open a connection to a scripted 5.8 peer, send RUN + PULL {n}, answer with `answer`, and
 *  report what the observers saw. */
async function runAgainst(answer: Response[], n = -1) {
  const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
  autoHello(peer);
  const c = await Connection.open({ netModule: peer.module, host: 'h', port: 1 });
  const seen: { records: unknown[][]; errors: BoltError[]; successes: Record<string, unknown>[] } =
    { records: [], errors: [], successes: [] };
  const observer: ResponseObserver = {
    onRecord: (f) => seen.records.push(f),
    onSuccess: (md) => seen.successes.push(md),
    onFailure: (e) => seen.errors.push(e),
  };
  c.enqueue({ type: 'RUN', query: 'Q', parameters: {}, extra: {} }, observer);
  c.pull(n, undefined, observer);
  await peer.waitFor(4);
  peer.send(...answer);
  for (let i = 0; i < 100 && c.open; i++) await new Promise((r) => setTimeout(r, 5));
  return { c, seen };
}

describe('release: hostile server answers are protocol errors that end the connection', () => {
  const cases: [string, Response[], number?][] = [
    [
      'a FAILURE whose code is a number',
      [{ type: 'FAILURE', metadata: { code: 42, message: 'boom' } } as unknown as Response],
    ],
    ['a RECORD in place of RUN’s SUCCESS', [record(1), ok({ fields: ['n'] }), ok()]],
    ['RUN SUCCESS with fields that are not a list', [ok({ fields: 'n' }), record(1), ok()]],
    [
      'PULL SUCCESS with has_more that is not a boolean',
      [ok({ fields: ['n'] }), ok({ has_more: 'yes' })],
      5,
    ],
    [
      'PULL SUCCESS with a bookmark that is not a string',
      [ok({ fields: ['n'] }), ok({ bookmark: 42 })],
    ],
    [
      'more records than PULL n asked for',
      [ok({ fields: ['n'] }), record(1), record(2), record(3), ok({ has_more: true })],
      2,
    ],
  ];
  for (const [what, answer, n] of cases) {
    it(what, async () => {
      const { c, seen } = await runAgainst(answer, n);
      expect(c.open).toBe(false);
      expect(c.state).toBe('DEFUNCT');
      expect(seen.errors.length).toBeGreaterThan(0);
      const e = seen.errors.at(-1)!;
      expect(e.kind).toBe('protocol');
      expect(e.code).toBe(PROTOCOL_ERROR);
      expect(e.retryable).toBe(false);
    });
  }

  it('the error says what was wrong (a numeric FAILURE code)', async () => {
    const { seen } = await runAgainst([
      { type: 'FAILURE', metadata: { code: 42, message: 'boom' } } as unknown as Response,
    ]);
    expect(seen.errors[0].message).toMatch(/code.*not a string|must be a string/);
  });

  it('exactly n records, then has_more, is fine', async () => {
    const { c, seen } = await runAgainst(
      [ok({ fields: ['n'] }), record(1), record(2), ok({ has_more: true })],
      2,
    );
    expect(seen.errors).toEqual([]);
    expect(seen.records).toEqual([[1], [2]]);
    expect(c.open).toBe(true);
    c.destroy();
  });
});

describe('release: a connection reset during the handshake', () => {
  for (const how of ['reset', 'clean close'] as const) {
    it(`a ${how} after our handshake bytes, before any answer, is a retryable could-not-connect`, async () => {
      const net = memoryNetwork();
      const listener = await net.listener.listen({ port: 0 }, (t) =>
        t.receive({ onData: () => (how === 'reset' ? t.destroy() : t.end()), onEnd: () => {} }),
      );
      try {
        const e = await Connection.open({
          netModule: net.module,
          host: 'h',
          port: listener.address.port,
        }).then(
          () => undefined,
          (err: BoltError) => err,
        );
        expect(e?.kind).toBe('could-not-connect');
        expect(e?.retryable).toBe(true);
        expect(e?.message).toMatch(/before answering the Bolt handshake/);
      } finally {
        await listener.close();
      }
    });
  }

  it('executeQuery retries such refusals and succeeds once the server answers', async () => {
    const net = memoryNetwork();
    const server = createServer({ handler: testHandler(newSeen()) });
    let refusals = 2;
    const listener = await net.listener.listen({ port: 0 }, (t) => {
      if (refusals-- > 0) t.receive({ onData: () => t.destroy(), onEnd: () => {} });
      else server.accept(t);
    });
    const clock = new ManualClock();
    const d = driver(`bolt://h:${listener.address.port}`, {
      auth: auth.basic('neo4j', 'pw'),
      netModule: net.module,
      retry: { initialDelayMs: 20, multiplier: 1, jitter: 0 },
      clock,
    });
    try {
      const start = clock.now();
      const query = d.executeQuery('RETURN 1 AS n');
      await clock.runUntil(query, (ms) => ms === 20); // the back-offs pass on the clock
      const { records } = await query;
      expect(records[0].get('n')).toBe(1);
      expect(refusals).toBe(-1);
      expect(clock.now() - start).toBe(40); // two refusals, two back-offs
    } finally {
      await d.close();
      await listener.close();
      await server.close({ graceMs: 0 });
    }
  });

  it('executeQuery against a server at its connection limit (TCP) retries and succeeds once a slot frees up', async () => {
    const server = createServer({ handler: testHandler(newSeen()), maxConnections: 1 });
    const listener = await server.listen(tcp(), { host: '127.0.0.1', port: 0 });
    const url = `bolt://127.0.0.1:${listener.address.port}`;
    const holder = nodeDriver(url, { auth: auth.basic('neo4j', 'pw') });
    const clock = new ManualClock();
    const d = nodeDriver(url, {
      auth: auth.basic('neo4j', 'pw'),
      retry: { initialDelayMs: 50, multiplier: 1.5, jitter: 0 },
      clock,
    });
    try {
      await holder.verifyConnectivity(); // holds the only slot (pooled)
      // Straight away: the reset comes during the handshake, before any byte of an answer.
      const first = await d.verifyConnectivity().then(
        () => undefined,
        (e: BoltError) => e,
      );
      expect(first?.kind).toBe('could-not-connect');
      expect(first?.retryable).toBe(true);
      // the back-offs (50, 75, 112.5 ms, ...) pass on the clock; after two of them the holder
      // lets go of the slot (the other timers are seconds long and never fall due)
      const query = d.executeQuery('RETURN 1 AS n');
      let backOffs = 0;
      const over = query.then(
        () => -1,
        () => -1,
      );
      for (;;) {
        const dueIn = await Promise.race([clock.whenTimer((ms) => ms < 1000), over]);
        if (dueIn < 0) break;
        if (++backOffs === 2) await holder.close();
        clock.advance(dueIn);
      }
      const { records } = await query;
      expect(records[0].get('n')).toBe(1);
      expect(backOffs).toBeGreaterThanOrEqual(2);
    } finally {
      await holder.close();
      await d.close();
      await server.close({ graceMs: 0 });
    }
  });

  it('bytes that are not a handshake answer are still protocol-refused', async () => {
    const net = memoryNetwork();
    const listener = await net.listener.listen({ port: 0 }, (t) => {
      t.receive({ onData: () => void t.write(Uint8Array.of(0x00, 0x00)), onEnd: () => {} });
      setTimeout(() => t.destroy(), 20);
    });
    try {
      const e = await Connection.open({
        netModule: net.module,
        host: 'h',
        port: listener.address.port,
      }).then(
        () => undefined,
        (err: BoltError) => err,
      );
      expect(e?.kind).toBe('protocol-refused');
      expect(e?.retryable).toBe(false);
    } finally {
      await listener.close();
    }
  });
});

describe('release: Bolt 1', () => {
  it('offering 1.0 in protocolVersions is enough (no legacyVersions needed)', async () => {
    const { d } = await memoryDriver(
      testHandler(newSeen()),
      { versions: [{ major: 1, minor: 0 }] },
      { protocolVersions: [{ major: 1, minor: 0 }] },
    );
    const { records } = await d.executeQuery('RETURN 1 AS n');
    expect(records[0].get('n')).toBe(1);
    expect((await d.getServerInfo()).protocolVersion).toBe('1.0');
  });

  it('a server choosing an offered version the client cannot speak is "not supported", not "not offered"', () => {
    const hs = new ClientHandshake({
      proposals: [{ major: 4, minor: 4 }],
      supported: [{ major: 5, minor: 0 }],
    });
    expect(() => hs.push(Uint8Array.of(0, 0, 4, 4))).toThrowError(/not supported/);
    expect(() =>
      new ClientHandshake({ proposals: [{ major: 4, minor: 4 }] }).push(Uint8Array.of(0, 0, 0, 5)),
    ).toThrowError(/not offered/);
  });

  it('a Date parameter for a Bolt 1 server fails saying the version cannot carry it', async () => {
    const { d } = await memoryDriver(
      testHandler(newSeen()),
      { versions: [{ major: 1, minor: 0 }] },
      { protocolVersions: [{ major: 1, minor: 0 }] },
    );
    const e = await d.executeQuery('ECHO', { d: new BoltDate(2024, 2, 29) }).then(
      () => undefined,
      (err: BoltError) => err,
    );
    expect(e?.message).toContain('Bolt 1.0 cannot carry a Date');
    expect(e?.message).not.toContain('StructRegistry');
  });
});

describe('release: Result and Transaction', () => {
  it('a Result is a Promise of its QueryResult (then, catch, finally, toStringTag)', async () => {
    const { d } = await setup();
    const session = d.session();
    try {
      const r = session.run('RETURN 1 AS n');
      expect(Object.prototype.toString.call(r)).toBe('[object Result]');
      const p: Promise<{ records: unknown[] }> = r;
      expect((await p).records).toHaveLength(1);
      await expect(
        session
          .run('ERROR', { code: 'Neo.ClientError.Statement.SyntaxError' })
          .catch((e) => e.code),
      ).resolves.toBe('Neo.ClientError.Statement.SyntaxError');
    } finally {
      await session.close();
    }
  });

  it('tx.isOpen() is false once a query in it failed (the server rolled it back)', async () => {
    const { d } = await setup();
    const session = d.session();
    try {
      const tx = await session.beginTransaction();
      await tx.run('RETURN 1 AS n');
      expect(tx.isOpen()).toBe(true);
      await expect(
        tx.run('ERROR', { code: 'Neo.ClientError.Statement.SyntaxError' }),
      ).rejects.toMatchObject({
        code: 'Neo.ClientError.Statement.SyntaxError',
      });
      expect(tx.isOpen()).toBe(false);
      await expect(tx.commit()).rejects.toMatchObject({
        code: 'Neo.ClientError.Statement.SyntaxError',
      });
      expect(tx.isOpen()).toBe(false);
    } finally {
      await session.close();
    }
  });
});

describe('release: break out of a result that never ends', () => {
  for (const [label, versions, fetchSize] of [
    ['Bolt 5.8, fetchSize -1 (one unbounded PULL)', [{ major: 5, minor: 8 }], -1],
    ['Bolt 3.0 (PULL_ALL)', [{ major: 3, minor: 0 }], 100],
  ] as const) {
    it(`${label}: break returns promptly and the session stays usable`, async () => {
      const { d, seen } = await setup({ versions: [...versions], config: { fetchSize } });
      const session = d.session();
      try {
        let n = 0;
        const loop = (async () => {
          for await (const _ of session.run('FOREVER')) if (++n === 10) break;
        })();
        await within(loop, 3_000, 'break out of an endless result');
        expect(n).toBe(10);
        const { records } = await within(session.run('RETURN 1 AS n'), 3_000, 'next query');
        expect(records[0].get('n')).toBe(1);
        expect(seen.closedEarly).toBe(1);
      } finally {
        await session.close();
      }
    });
  }
});

async function setup(
  options: {
    versions?: { major: number; minor: number }[];
    config?: Parameters<typeof driver>[1];
  } = {},
) {
  const seen = newSeen();
  const { d } = await memoryDriver(
    testHandler(seen),
    { versions: options.versions },
    options.config,
  );
  return { seen, d };
}

function within<T>(p: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    Promise.resolve(p),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---- custom values, module names, failed messages, connect errors -----------------------------

class Money {
  constructor(
    readonly cents: number,
    readonly currency: string,
  ) {}
}
const MONEY: StructSpec<Money> = {
  tag: 0x24,
  fields: 2,
  hydrate: ([cents, currency]) => new Money(Number(cents), String(currency)),
  type: Money,
  dehydrate: (m) => new Structure(0x24, [m.cents, m.currency]),
};

describe('release: custom structure types (structs option)', () => {
  it('client and server both hydrate and dehydrate a registered class', async () => {
    const received: unknown[] = [];
    const fx = closeAfterTest(
      await memoryServer(
        {
          run: (_q, parameters) => {
            received.push(parameters.price);
            return {
              fields: ['doubled'],
              records: [[new Money((parameters.price as Money).cents * 2, 'EUR')]],
            };
          },
        },
        { structs: [MONEY] },
      ),
    );
    const d = closeAfterTest(driver(fx.url, { netModule: fx.netModule, structs: [MONEY] }));
    const { records } = await d.executeQuery('RETURN $price * 2', {
      price: new Money(150, 'EUR'),
    });
    expect(received[0]).toBeInstanceOf(Money);
    expect(received[0]).toEqual(new Money(150, 'EUR'));
    const doubled = records[0].get('doubled');
    expect(doubled).toBeInstanceOf(Money);
    expect(doubled).toEqual(new Money(300, 'EUR'));
  });

  it('without it, the tag comes back as a generic Structure', async () => {
    const fx = closeAfterTest(
      await memoryServer(
        { run: () => ({ fields: ['m'], records: [[new Money(1, 'EUR')]] }) },
        {
          structs: [MONEY],
        },
      ),
    );
    const d = closeAfterTest(driver(fx.url, { netModule: fx.netModule }));
    const { records } = await d.executeQuery('RETURN m');
    expect(records[0].get('m')).toEqual(new Structure(0x24, [1, 'EUR']));
  });

  it('a bad spec is a TypeError when the driver is created', () => {
    expect(() =>
      driver('bolt://h', { netModule: memoryNetwork().module, structs: [{ ...MONEY, tag: 300 }] }),
    ).toThrowError(TypeError);
  });
});

describe('release: networking module by name', () => {
  it("netModule: 'tcp' (node entry) reaches a TCP server", async () => {
    const server = createServer({ handler: testHandler(newSeen()) });
    const listener = await server.listen(tcp(), { host: '127.0.0.1', port: 0 });
    const d = nodeDriver(`bolt://127.0.0.1:${listener.address.port}`, { netModule: 'tcp' });
    try {
      const { records } = await d.executeQuery('RETURN 1 AS n');
      expect(records[0].get('n')).toBe(1);
    } finally {
      await d.close();
      await server.close({ graceMs: 0 });
    }
  });

  it('a registered name works in both entries; unknown names list the known ones', async () => {
    const fx = closeAfterTest(await memoryServer(testHandler(newSeen())));
    registerNetModule('release-test-memory', () => fx.netModule);
    const d = closeAfterTest(driver(fx.url, { netModule: 'release-test-memory' }));
    expect((await d.executeQuery('RETURN 1 AS n')).records[0].get('n')).toBe(1);
    expect(() => driver('bolt://h', { netModule: 'nope' })).toThrowError(
      /unknown networking module 'nope'.*tcp, tls, websocket.*release-test-memory/,
    );
    expect(() => driver('bolt://h', { netModule: 'tcp' })).toThrowError(/needs Node/);
    expect(() => registerNetModule('tcp', () => fx.netModule)).toThrowError(/built-in/);
  });
});

describe('release: messages that fail to decode are written to failedMessageDir', () => {
  it('the raw bytes and a hex report, for every undecodable message from the server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bolt-failed-'));
    try {
      const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
      autoHello(peer);
      // A SUCCESS whose map holds the reserved marker C4.
      const bad = Uint8Array.of(0xb1, 0x70, 0xa1, 0x81, 0x78, 0xc4);
      peer.onRequest = (req, p) => {
        if (req.type === 'HELLO') p.send(ok({ server: 'Scripted/1.0' }));
        if (req.type === 'LOGON') p.send(ok());
        if (req.type === 'PULL')
          p.server.write(Uint8Array.of(0x00, bad.length, ...bad, 0x00, 0x00));
      };
      const d = nodeDriver('bolt://h:1', { netModule: peer.module, failedMessageDir: dir });
      try {
        const e = await d.executeQuery('RETURN 1').then(
          () => undefined,
          (err: BoltError) => err,
        );
        expect(e?.kind).toBe('protocol');
        let files: string[] = [];
        for (let i = 0; i < 100 && files.length < 2; i++) {
          await new Promise((r) => setTimeout(r, 10));
          files = readdirSync(dir).sort();
        }
        expect(files).toHaveLength(2);
        expect(files[0]).toMatch(/^bolt-failed-.*-1\.bin$/);
        expect(files[1]).toBe(`${files[0]}.txt`);
        expect([...readFileSync(join(dir, files[0]))]).toEqual([...bad]);
        const report = readFileSync(join(dir, files[1]), 'utf8');
        expect(report).toContain('b1 70 a1 81 78 c4');
        expect(report).toContain('RESERVED_MARKER');
        expect(report).toContain('peer:   h:1');
      } finally {
        await d.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the portable entry says it needs the node entry', () => {
    expect(() =>
      driver('bolt://h', { netModule: memoryNetwork().module, failedMessageDir: '/tmp/x' }),
    ).toThrowError(/node entry/);
  });
});

describe('release: connect errors say what to check', () => {
  it('TLS against a plain Bolt port: the server may not speak TLS there', async () => {
    const server = createServer({ handler: testHandler(newSeen()) });
    const listener = await server.listen(tcp(), { host: '127.0.0.1', port: 0 });
    const d = nodeDriver(`bolt+ssc://127.0.0.1:${listener.address.port}`, {
      connectionTimeoutMs: 5000,
    });
    try {
      const e = await d.verifyConnectivity().then(
        () => undefined,
        (err: BoltError) => err,
      );
      expect(e?.kind).toBe('could-not-connect');
      expect(e?.message).toMatch(/may not speak TLS on this port/);
    } finally {
      await d.close();
      await server.close({ graceMs: 0 });
    }
  });

  it('a refused connection says to check that the server runs on that host and port', async () => {
    const probe = await tcp().listen({ host: '127.0.0.1', port: 0 }, (t) => t.destroy());
    const port = probe.address.port;
    await probe.close();
    const e = await Connection.open({ netModule: tcp(), host: '127.0.0.1', port }).then(
      () => undefined,
      (err: BoltError) => err,
    );
    expect(e?.kind).toBe('could-not-connect');
    expect(e?.message).toMatch(
      /Check that the server is running and listens on this host and port/,
    );
  });
});
