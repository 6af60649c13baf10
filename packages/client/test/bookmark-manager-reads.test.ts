import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { auth, type BookmarkManager, driver } from '../src/index.js';
import { closeOnClockAfterTest } from './support/close-after-test.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';

// A bookmark manager is read for the acquisition (routing sends those bookmarks with ROUTE) and
// read again once the connection is there, for the BEGIN / RUN: the work then carries what was
// committed while it waited (testkit driver_parameters, bookmark supplier tests).

function peer() {
  const p = new ScriptedPeer({ supported: [{ major: 5, minor: 0 }] });
  p.onRequest = (req, s) => {
    if (req.type === 'HELLO') s.send(ok({ server: 'S/1', connection_id: 'c' }));
    else if (req.type === 'RUN') s.send(ok({ fields: ['n'] }));
    else if (req.type === 'PULL') s.send(record(1), ok({ type: 'w', bookmark: 'bm:new' }));
    else if (req.type === 'COMMIT') s.send(ok({ bookmark: 'bm:new' }));
    else s.send(ok());
  };
  return p;
}

/** A manager whose n-th read answers `read:n`; it records the updates it gets. */
function countingManager() {
  let reads = 0;
  const updates: [string[], string[]][] = [];
  const manager: BookmarkManager = {
    getBookmarks: () => [`read:${++reads}`],
    updateBookmarks: (previous, next) => {
      updates.push([[...previous], [...next]]);
    },
  };
  return { manager, updates, reads: () => reads };
}

const bookmarksOf = (req: unknown) =>
  ((req as { extra?: { bookmarks?: string[] } }).extra?.bookmarks ?? []).slice();

describe('bookmark manager reads', () => {
  it('BEGIN carries the read made after the connection was acquired', async () => {
    const p = peer();
    const m = countingManager();
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { clock, auth: auth.basic('u', 'p'), netModule: p.module }),
      clock,
    );
    const session = drv.session({ bookmarkManager: m.manager });
    const tx = await session.beginTransaction();
    await tx.run('RETURN 1 AS n').records();
    await tx.commit();
    await session.close();
    const begin = p.requests.find((r) => r.type === 'BEGIN');
    expect(m.reads()).toBe(2);
    expect(bookmarksOf(begin)).toEqual(['read:2']);
    // the update replaces what the work was sent with
    expect(m.updates).toEqual([[['read:2'], ['bm:new']]]);
  });

  it('an auto-commit RUN too; without a manager, nothing is read twice', async () => {
    const p = peer();
    const m = countingManager();
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { clock, auth: auth.basic('u', 'p'), netModule: p.module }),
      clock,
    );
    const session = drv.session({ bookmarkManager: m.manager });
    await session.run('RETURN 1 AS n').records();
    await session.close();
    const run = p.requests.find((r) => r.type === 'RUN');
    expect(bookmarksOf(run)).toEqual(['read:2']);

    const plain = drv.session({ bookmarks: ['given'] });
    await plain.run('RETURN 1 AS n').records();
    await plain.close();
    const runs = p.requests.filter((r) => r.type === 'RUN');
    expect(bookmarksOf(runs[1])).toEqual(['given']);
  });
});
