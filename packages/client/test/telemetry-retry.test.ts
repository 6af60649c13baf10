import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { driver } from '../src/index.js';
import { closeOnClockAfterTest } from './support/close-after-test.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';

// TELEMETRY says which API started a transaction; a managed transaction that is retried after
// the server took it is still one use of that API, so the retry does not send it again.

function peerFailingFirstBegin() {
  const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 4 }] });
  let begins = 0;
  let failed = false;
  peer.onRequest = (req, p) => {
    if (req.type === 'HELLO')
      p.send(ok({ server: 'S/1', connection_id: 'c', hints: { 'telemetry.enabled': true } }));
    else if (req.type === 'RESET') {
      failed = false;
      p.send(ok());
    } else if (failed) p.send({ type: 'IGNORED' });
    else if (req.type === 'BEGIN' && ++begins === 1) {
      failed = true;
      p.send({
        type: 'FAILURE',
        metadata: { code: 'Neo.TransientError.General.PleaseRetry', message: 'again' },
      });
    } else if (req.type === 'RUN') p.send(ok({ fields: ['n'] }));
    else if (req.type === 'PULL') p.send(record(1), ok({ type: 'r' }));
    else p.send(ok());
  };
  return peer;
}

describe('TELEMETRY and retries', () => {
  it('a retried managed transaction does not send TELEMETRY again once the server took it', async () => {
    const peer = peerFailingFirstBegin();
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { netModule: peer.module, retry: { initialDelayMs: 1 }, clock }),
      clock,
    );
    const work = drv.session().executeRead(async (tx) => {
      const r = await tx.run('RETURN 1 AS n');
      return r.records[0]!.get('n');
    });
    await clock.runUntil(work, (ms) => ms < 1000); // the back-off passes on the clock
    expect(await work).toBe(1);
    const types = peer.requests.map((r) => r.type);
    expect(types.filter((t) => t === 'BEGIN')).toHaveLength(2);
    expect(types.filter((t) => t === 'TELEMETRY')).toHaveLength(1);
  });

  it('executeQuery retried: TELEMETRY (api 3) once', async () => {
    const peer = peerFailingFirstBegin();
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { netModule: peer.module, retry: { initialDelayMs: 1 }, clock }),
      clock,
    );
    const query = drv.executeQuery('RETURN 1 AS n');
    await clock.runUntil(query, (ms) => ms < 1000); // the back-off passes on the clock
    await query;
    const telemetry = peer.requests.filter((r) => r.type === 'TELEMETRY');
    expect(telemetry.map((r) => (r as { api: number }).api)).toEqual([3]);
  });
});
