import type { NetModule, Transport } from '@bolt/net-adapters';
import { ManualClock } from '@bolt/test-support';
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

/** The peer's handshake answer reaches the client `delayMs` late on `clock` (or never, with
 *  Infinity). */
function slowHandshake(peer: ScriptedPeer, delayMs: number, clock: ManualClock): NetModule {
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
                    clock.setTimeout(() => h.onData(chunk), delayMs);
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
    const clock = new ManualClock();
    drv = driver('bolt://h:1', {
      netModule: slowHandshake(answeringPeer(), 300, clock),
      connectionTimeoutMs: 50,
      connectionAcquisitionTimeoutMs: 5000,
      clock,
    });
    const result = drv.session().run('RETURN 1 AS n');
    await clock.whenTimer((ms) => ms === 300); // the handshake's answer is on its way
    clock.advance(300); // past the connection timeout, well within the acquisition timeout
    const r = await result;
    expect(r.records[0]!.get('n')).toBe(1);
    // the peer never closes its side: closing waits out its 2 s grace period on the clock
    await clock.runUntil(drv.close(), (ms) => ms === 2000);
    drv = undefined;
  });

  it('a handshake that outlasts the acquisition timeout fails acquiring in that time', async () => {
    const clock = new ManualClock();
    drv = driver('bolt://h:1', {
      netModule: slowHandshake(answeringPeer(), Number.POSITIVE_INFINITY, clock),
      connectionTimeoutMs: 600_000,
      connectionAcquisitionTimeoutMs: 200,
      maxTransactionRetryTimeMs: 0,
      clock,
    });
    let settled = false;
    const failed = drv
      .session()
      .run('RETURN 1 AS n')
      .then(
        () => undefined,
        (e) => e,
      )
      .finally(() => {
        settled = true;
      });
    expect(await clock.whenTimer((ms) => ms === 200)).toBe(200);
    clock.advance(199);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    clock.advance(1);
    const err = await failed;
    expect(err?.code).toBe('Neo.ClientError.Pool.AcquisitionTimeout');
  });
});
