import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { type Driver, driver } from '../src/index.js';
import { closeOnClockAfterTest } from './support/close-after-test.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';

// A server may answer `PULL {n}` with fewer than n records and `has_more`. An iteration then asks
// for one batch ahead of its reader, not for batch after batch while the reader takes none
// (testkit: optimizations, test_uses_implicit_default_arguments_multi_query_nested).

/** A 4.4 peer that answers every PULL with one record (1, 2, 3, ... per query) and has_more. */
function oneRecordPerPull(): ScriptedPeer {
  const peer = new ScriptedPeer({ supported: [{ major: 4, minor: 4 }] });
  let qid = 0;
  const sent = new Map<number, number>();
  peer.onRequest = (req, p) => {
    if (req.type === 'HELLO') p.send(ok({ server: 'S/1', connection_id: 'c' }));
    else if (req.type === 'RUN') p.send(ok({ fields: ['n'], qid: ++qid }));
    else if (req.type === 'PULL') {
      const q = Number((req as { extra: { qid?: number } }).extra.qid ?? qid);
      const n = (sent.get(q) ?? 0) + 1;
      sent.set(q, n);
      p.send(record(n), ok({ has_more: true }));
    } else if (req.type === 'DISCARD') p.send(ok({}));
    else p.send(ok());
  };
  return peer;
}

/** A driver to `peer` (fetch size 10), closed when the test finishes. */
function driverTo(peer: ScriptedPeer): Driver {
  const clock = new ManualClock();
  return closeOnClockAfterTest(
    driver('bolt://h:1', { clock, netModule: peer.module, fetchSize: 10 }),
    clock,
  );
}

/** RUN, PULL and DISCARD as sent, with the query's text or the qid (`-`: none). */
function streamRequests(peer: ScriptedPeer): string[] {
  return peer.requests
    .filter((r) => r.type === 'RUN' || r.type === 'PULL' || r.type === 'DISCARD')
    .map((r) =>
      r.type === 'RUN'
        ? `RUN ${(r as { query: string }).query}`
        : `${r.type} ${(r as { extra: { qid?: unknown } }).extra.qid ?? '-'}`,
    );
}

/** Let every answer arrive and every reaction run. */
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('batches smaller than the fetch size', () => {
  it('one PULL ahead of the reader, however small the batches', async () => {
    const peer = oneRecordPerPull();
    const drv = driverTo(peer);
    const session = drv.session();
    const tx = await session.beginTransaction();
    const it = tx.run('Q')[Symbol.asyncIterator]();
    expect((await it.next()).value.get('n')).toBe(1);
    await settle();
    // the first batch, and the one asked for when its record was taken
    expect(streamRequests(peer)).toEqual(['RUN Q', 'PULL -', 'PULL -']);
    expect((await it.next()).value.get('n')).toBe(2);
    await settle();
    expect(streamRequests(peer)).toEqual(['RUN Q', 'PULL -', 'PULL -', 'PULL -']);
    await tx.rollback();
    await session.close();
  });

  it('a result read again after a later query in its transaction pulls only then (qid)', async () => {
    const peer = oneRecordPerPull();
    const drv = driverTo(peer);
    const session = drv.session();
    const tx = await session.beginTransaction();
    const outer = tx.run('OUTER')[Symbol.asyncIterator]();
    expect((await outer.next()).value.get('n')).toBe(1);
    const inner = tx.run('INNER')[Symbol.asyncIterator]();
    expect((await inner.next()).value.get('n')).toBe(1);
    expect((await inner.next()).value.get('n')).toBe(2);
    await settle();
    // OUTER's batch arrived before INNER's RUN went out, and nothing more of OUTER since
    expect(streamRequests(peer)).toEqual([
      'RUN OUTER',
      'PULL -',
      'PULL -',
      'RUN INNER',
      'PULL -',
      'PULL -',
      'PULL -',
    ]);
    expect((await outer.next()).value.get('n')).toBe(2);
    await settle();
    expect(streamRequests(peer).slice(7)).toEqual(['PULL 1']);
    await tx.rollback();
    await session.close();
  });
});
