import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { driver } from '../src/index.js';
import { closeOnClockAfterTest } from './support/close-after-test.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';

// PULL and DISCARD name their query (`qid`) only when a later RUN went out on the connection:
// for the latest query the server's default (-1, the last one) is meant, so it is left out.

describe('qid', () => {
  it('is left out for the latest query and sent once a later RUN went out (4.4)', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 4, minor: 4 }] });
    let qid = 0;
    peer.onRequest = (req, p) => {
      if (req.type === 'HELLO') p.send(ok({ server: 'S/1', connection_id: 'c' }));
      else if (req.type === 'RUN') p.send(ok({ fields: ['n'], qid: ++qid }));
      else if (req.type === 'PULL') p.send(record(1), ok({ has_more: true }));
      else if (req.type === 'DISCARD') p.send(ok({}));
      else p.send(ok());
    };
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { clock, netModule: peer.module, fetchSize: 1 }),
      clock,
    );
    const session = drv.session();
    const tx = await session.beginTransaction();
    const outer = tx.run('OUTER');
    const it = outer[Symbol.asyncIterator]();
    await it.next();
    const inner = tx.run('INNER');
    await inner[Symbol.asyncIterator]().next();
    await it.next();
    await tx.rollback();
    await session.close();
    const sent = peer.requests
      .filter((r) => r.type === 'PULL' || r.type === 'DISCARD')
      .map((r) => `${r.type} ${(r as { extra: { qid?: unknown } }).extra.qid ?? '-'}`);
    // OUTER's first PULL and INNER's: the latest query, no qid; OUTER after INNER's RUN: qid 1
    expect(sent[0]).toBe('PULL -');
    expect(sent[1]).toBe('PULL -');
    expect(sent.slice(2)).toContain('PULL 1');
    // the rollback discards both: INNER (latest) without qid, OUTER with its own
    expect(sent.filter((x) => x.startsWith('DISCARD')).sort()).toEqual(['DISCARD -', 'DISCARD 1']);
  });
});
