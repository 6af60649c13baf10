import type { NetModule } from '@bolt/net-adapters';
import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { auth, driver } from '../src/index.js';
import { closeOnClockAfterTest } from './support/close-after-test.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';

// A connection lost after COMMIT was sent leaves the outcome unknown: the server may have
// committed. A managed transaction must not run the work again (testkit retry
// test_disconnect_on_commit).

/** Bolt 4.3 peers that answer everything and hang up on COMMIT (`dropCommit`) or commit. */
function server(dropCommit: boolean) {
  let connections = 0;
  const module: NetModule = {
    name: 'peers',
    connect: (options) => {
      connections++;
      const peer = new ScriptedPeer({ supported: [{ major: 4, minor: 3 }] });
      peer.onRequest = (req, p) => {
        if (req.type === 'HELLO') p.send(ok({ server: 'S/1', connection_id: 'c' }));
        else if (req.type === 'RUN') p.send(ok({ fields: ['n'] }));
        else if (req.type === 'PULL') p.send(record(1), ok({ type: 'w' }));
        else if (req.type === 'COMMIT' && dropCommit) p.server.destroy();
        else if (req.type === 'COMMIT') p.send(ok({ bookmark: 'bm:1' }));
        else p.send(ok());
      };
      return peer.module.connect(options);
    },
  };
  return { module, connections: () => connections };
}

describe('a connection lost during COMMIT', () => {
  it('fails the managed transaction once, without a retry, as a non-retryable error', async () => {
    const s = server(true);
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { clock, auth: auth.basic('u', 'p'), netModule: s.module }),
      clock,
    );
    const session = drv.session();
    let attempts = 0;
    const err = await session
      .executeWrite(async (tx) => {
        attempts++;
        await tx.run('RETURN 1 AS n').records();
      })
      .then(
        () => undefined,
        (e) => e,
      );
    await session.close();
    expect(attempts).toBe(1);
    expect(s.connections()).toBe(1);
    expect(err?.kind).toBe('connection-lost');
    expect(err?.retryable).toBe(false);
    expect(err?.message).toMatch(/may or may not have been committed/);
    expect(err?.cause?.kind).toBe('connection-lost');
  });

  it('an explicit transaction reports it the same way; a committed one is unaffected', async () => {
    const lost = server(true);
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { clock, auth: auth.basic('u', 'p'), netModule: lost.module }),
      clock,
    );
    const tx = await drv.session().beginTransaction();
    await tx.run('RETURN 1 AS n').records();
    const err = await tx.commit().then(
      () => undefined,
      (e) => e,
    );
    expect(err?.retryable).toBe(false);
    await clock.runUntil(drv.close(), (ms) => ms === 2000);

    const fine = server(false);
    const drv2 = closeOnClockAfterTest(
      driver('bolt://h:1', { clock, auth: auth.basic('u', 'p'), netModule: fine.module }),
      clock,
    );
    const tx2 = await drv2.session().beginTransaction();
    await tx2.run('RETURN 1 AS n').records();
    expect(await tx2.commit()).toBe('bm:1');
  });
});
