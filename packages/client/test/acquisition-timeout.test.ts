import type { NetModule, Transport } from '@bolt/net-adapters';
import { afterEach, describe, expect, it } from 'vitest';
import { type Driver, driver } from '../src/index.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';

// connectionTimeoutMs bounds connecting the transport only; the Bolt handshake and
// authentication that follow are part of acquiring a connection, bounded by
// connectionAcquisitionTimeoutMs (as in the official drivers).
let drv: Driver | undefined;
afterEach(async () => {
  await drv?.close();
  drv = undefined;
});

function answeringPeer() {
  const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 4 }] });
  peer.onRequest = (req, p) => {
    if (req.type === 'RUN') p.send(ok({ fields: ['n'] }));
    else if (req.type === 'PULL') p.send(record(1), ok({ type: 'r' }));
    else if (req.type === 'HELLO') p.send(ok({ server: 'S/1', connection_id: 'c' }));
    else p.send(ok());
  };
  return peer;
}

/** The peer's handshake answer reaches the client `delayMs` late (or never, with Infinity). */
function slowHandshake(peer: ScriptedPeer, delayMs: number): NetModule {
  return {
    name: 'slow-handshake',
    connect: async (options) => {
      const t = await peer.module.connect(options);
      return new Proxy(t, {
        get(target, prop) {
          if (prop === 'receive')
            return (h: { onData(c: Uint8Array): void; onEnd(e?: Error): void }) => {
              let first = true;
              target.receive({
                onData: (chunk) => {
                  if (!first) return h.onData(chunk);
                  first = false;
                  if (delayMs !== Number.POSITIVE_INFINITY)
                    setTimeout(() => h.onData(chunk), delayMs);
                },
                onEnd: (e) => h.onEnd(e),
              });
            };
          const v = Reflect.get(target, prop, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      }) as Transport;
    },
  };
}

describe('acquisition timeout and connection timeout', () => {
  it('a handshake slower than connectionTimeoutMs succeeds within the acquisition timeout', async () => {
    drv = driver('bolt://h:1', {
      netModule: slowHandshake(answeringPeer(), 300),
      connectionTimeoutMs: 50,
      connectionAcquisitionTimeoutMs: 5000,
    });
    const r = await drv.session().run('RETURN 1 AS n');
    expect(r.records[0]!.get('n')).toBe(1);
  });

  it('a handshake that outlasts the acquisition timeout fails acquiring in that time', async () => {
    drv = driver('bolt://h:1', {
      netModule: slowHandshake(answeringPeer(), Number.POSITIVE_INFINITY),
      connectionTimeoutMs: 600_000,
      connectionAcquisitionTimeoutMs: 200,
      maxTransactionRetryTimeMs: 0,
    });
    const t0 = Date.now();
    const err = await drv
      .session()
      .run('RETURN 1 AS n')
      .then(
        () => undefined,
        (e) => e,
      );
    expect(err?.code).toBe('Neo.ClientError.Pool.AcquisitionTimeout');
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 10_000);
});
