import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { auth, Connection, type ResponseObserver } from '../src/index.js';
import { autoHello, ok, record, ScriptedPeer } from './support/scripted-peer.js';

// Wire-level behaviour against a scripted peer made of the parser's ServerHandshake and
// MessageCodec: exact writes, NOOPs in odd places, byte-by-byte delivery, protocol violations.

function open(peer: ScriptedPeer, extra: Partial<Parameters<typeof Connection.open>[0]> = {}) {
  return Connection.open({
    netModule: peer.module,
    host: 'h',
    port: 1,
    auth: auth.basic('u', 'p'),
    ...extra,
  });
}

function collect() {
  const records: unknown[][] = [];
  let resolve!: (v: {
    records: unknown[][];
    md?: Record<string, unknown>;
    error?: unknown;
  }) => void;
  const done = new Promise<{ records: unknown[][]; md?: Record<string, unknown>; error?: unknown }>(
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

describe('wire behaviour (scripted peer)', () => {
  it('sends the manifest choice, HELLO and LOGON in one write', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    autoHello(peer);
    const c = await open(peer);
    expect(c.version).toEqual({ major: 5, minor: 8 });
    expect(peer.requests.map((r) => r.type)).toEqual(['HELLO', 'LOGON']);
    expect(peer.clientWrites[0]).toBe(2);
    c.destroy();
  });

  it('pipelines RUN+PULL pairs in one write and dispatches RECORDs to the right observer', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    autoHello(peer);
    const c = await open(peer);
    const a = collect();
    const b = collect();
    c.enqueue({ type: 'RUN', query: 'A', parameters: {}, extra: {} });
    c.pull(-1, undefined, a.observer);
    c.enqueue({ type: 'RUN', query: 'B', parameters: {}, extra: {} });
    c.pull(-1, undefined, b.observer);
    await peer.waitFor(6);
    expect(peer.clientWrites.at(-1)).toBe(4);
    peer.send(
      ok({ fields: ['x'] }),
      record(1),
      record(2),
      ok(),
      ok({ fields: ['y'] }),
      record('b'),
      ok(),
    );
    expect((await a.done).records).toEqual([[1], [2]]);
    expect((await b.done).records).toEqual([['b']]);
    c.destroy();
  });

  it('ignores NOOPs anywhere between messages, also delivered one byte at a time', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 4, minor: 4 }] });
    peer.onRequest = (req, p) => {
      if (req.type === 'HELLO') p.trickle(p.bytes('NOOP', ok({ server: 'S/1' }), 'NOOP'));
    };
    const c = await open(peer);
    const r = collect();
    c.enqueue({ type: 'RUN', query: 'A', parameters: {}, extra: {} });
    c.pull(-1, undefined, r.observer);
    await peer.waitFor(3);
    peer.trickle(
      peer.bytes(
        'NOOP',
        ok({ fields: ['x'] }),
        'NOOP',
        record(1),
        'NOOP',
        'NOOP',
        record(2),
        ok(),
        'NOOP',
      ),
    );
    const out = await r.done;
    expect(out.records).toEqual([[1], [2]]);
    expect(out.error).toBeUndefined();
    expect(c.open).toBe(true);
    c.destroy();
  });

  it('a response with no request outstanding is a protocol error that closes the connection', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    autoHello(peer);
    const c = await open(peer);
    const closed = new Promise((r) => c.onClose(r));
    peer.send(ok());
    const err: any = await closed;
    expect(err.kind).toBe('protocol');
    expect(err.message).toMatch(/no request was outstanding/);
    expect(c.open).toBe(false);
  });

  it('an IGNORED with no FAILURE before it and no RESET on its way is a protocol error', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 3, minor: 0 }] });
    autoHello(peer);
    const c = await open(peer);
    const r = collect();
    c.enqueue({ type: 'RUN', query: 'A', parameters: {}, extra: {} }, r.observer);
    await peer.waitFor(2);
    peer.send({ type: 'IGNORED' });
    const out = await r.done;
    expect((out.error as any).kind).toBe('protocol');
    expect((out.error as Error).message).toMatch(
      /answered RUN with IGNORED, but no request had failed and no RESET was sent/,
    );
    expect(c.open).toBe(false);
  });

  it('undecodable bytes are a protocol error for the outstanding requests', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    autoHello(peer);
    const c = await open(peer);
    const r = collect();
    c.enqueue({ type: 'RUN', query: 'A', parameters: {}, extra: {} }, r.observer);
    await peer.waitFor(3);
    peer.server.write(Uint8Array.of(0x00, 0x03, 0xb1, 0x70, 0xc7, 0x00, 0x00)); // reserved marker C7
    const out = await r.done;
    expect((out.error as any).kind).toBe('protocol');
    expect(c.open).toBe(false);
  });

  it('a FAILURE to HELLO rejects open() and closes', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 4, minor: 4 }] });
    peer.onRequest = (req, p) => {
      if (req.type === 'HELLO')
        p.send({
          type: 'FAILURE',
          metadata: { code: 'Neo.ClientError.Security.Unauthorized', message: 'no' },
        });
    };
    const err = await open(peer).catch((e) => e);
    expect(err.kind).toBe('server');
    expect(err.code).toBe('Neo.ClientError.Security.Unauthorized');
    expect(err.gqlStatus).toBe('50N42');
  });

  it('reads 5.7+ GQL failures with their cause chain', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    autoHello(peer);
    const c = await open(peer);
    const r = collect();
    c.enqueue({ type: 'RUN', query: 'A', parameters: {}, extra: {} }, r.observer);
    await peer.waitFor(3);
    peer.send({
      type: 'FAILURE',
      metadata: {
        neo4j_code: 'Neo.ClientError.Statement.SyntaxError',
        message: 'Invalid input',
        gql_status: '42001',
        description: 'error: syntax error or access rule violation - invalid syntax',
        diagnostic_record: { _classification: 'CLIENT_ERROR' },
        cause: {
          message: 'inner',
          gql_status: '42I06',
          description: 'error: invalid input',
          diagnostic_record: { _classification: 'CLIENT_ERROR' },
        },
      },
    });
    const err: any = (await r.done).error;
    expect(err.code).toBe('Neo.ClientError.Statement.SyntaxError');
    expect(err.gqlStatus).toBe('42001');
    expect(err.classification).toBe('CLIENT_ERROR');
    expect(err.diagnosticRecord).toMatchObject({
      OPERATION: '',
      CURRENT_SCHEMA: '/',
      _classification: 'CLIENT_ERROR',
    });
    expect(err.cause.gqlStatus).toBe('42I06');
    expect(err.cause.message).toBe('inner');
    expect(err.retryable).toBe(false);
    c.destroy();
  });

  it('rewrites the 4.x transient Terminated code to a non-retryable client error', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 4, minor: 4 }] });
    peer.onRequest = (req, p) => {
      if (req.type === 'HELLO') p.send(ok({ server: 'S/1' }));
      if (req.type === 'RUN')
        p.send({
          type: 'FAILURE',
          metadata: { code: 'Neo.TransientError.Transaction.Terminated', message: 't' },
        });
    };
    const c = await open(peer);
    const r = collect();
    c.enqueue({ type: 'RUN', query: 'A', parameters: {}, extra: {} }, r.observer);
    const err: any = (await r.done).error;
    expect(err.code).toBe('Neo.ClientError.Transaction.Terminated');
    expect(err.retryable).toBe(false);
    c.destroy();
  });
});

describe('closing (scripted peer)', () => {
  it('ignores an answer to GOODBYE and lets the server close the connection cleanly', async () => {
    // testkit's stub scripts answer GOODBYE with SUCCESS ("A: GOODBYE"); the client used to
    // treat it as a protocol violation and destroy the socket, so the server's write failed.
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    autoHello(peer);
    const c = await open(peer);
    peer.onRequest = (req, p) => {
      if (req.type !== 'GOODBYE') return;
      p.send(ok());
      setTimeout(() => p.server.end(), 20);
    };
    await c.close();
    expect(peer.requests.at(-1)?.type).toBe('GOODBYE');
    // undefined: both sides ended gracefully; an Error would mean the client reset the connection
    expect(await peer.server.closed).toBeUndefined();
  });
});

describe('summary validation (scripted peer)', () => {
  it('refuses a summary whose query type is not r, w, rw or s', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 4, minor: 4 }] });
    autoHello(peer);
    const c = await open(peer);
    peer.onRequest = (req, p) => {
      if (req.type === 'RUN') p.send(ok({ fields: ['n'] }));
      if (req.type === 'PULL') p.send(record(1), ok({ type: 'wr' }));
    };
    const run = collect();
    const pull = collect();
    c.enqueue({ type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} }, run.observer);
    c.pull(-1, undefined, pull.observer);
    const r = await pull.done;
    expect((r.error as { kind?: string })?.kind).toBe('protocol');
    expect(String((r.error as Error)?.message)).toMatch(/type is "wr"/);
    expect(c.open).toBe(false);
  });
});

describe('receive timeout (scripted peer)', () => {
  it('gives up on a silent server with a graceful close, so its late answer does not meet a reset', async () => {
    // testkit (configuration_hints): the stub server answers after the client gave up; a reset
    // socket made its write fail and the server exit unclean.
    const peer = new ScriptedPeer({ supported: [{ major: 4, minor: 4 }] });
    peer.onRequest = (req, p) => {
      if (req.type === 'HELLO')
        p.send(ok({ server: 'S/1', hints: { 'connection.recv_timeout_seconds': 1 } }));
    };
    const clock = new ManualClock();
    const c = await open(peer, { clock });
    const run = collect();
    let answered = false;
    run.done.finally(() => {
      answered = true;
    });
    c.enqueue({ type: 'RUN', query: 'SLOW', parameters: {}, extra: {} }, run.observer);
    expect(await clock.whenTimer()).toBe(1000); // armed when RUN is written
    clock.advance(999);
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    clock.advance(1);
    const r = await run.done;
    expect(String((r.error as Error).message)).toMatch(/the server didn't respond in \d+ ms/);
    expect((r.error as { retryable?: boolean }).retryable).toBe(true);
    expect(c.open).toBe(false);
    peer.send(ok({ fields: ['n'] })); // the late answer
    peer.server.end();
    expect(await peer.server.closed).toBeUndefined();
  });
});
