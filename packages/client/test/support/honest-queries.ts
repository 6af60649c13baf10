import { settles } from '@bolt/test-support';
import { expect } from 'vitest';
import type { Driver } from '../../src/index.js';

/** After a seeded test's hostile cases: `count` sessions in a row each run `RETURN 1` (a peer
 *  answering `x = 1`) and get their one record, each within `settleMs`. */
export async function expectHonestQueries(d: Driver, count: number, settleMs: number) {
  for (let i = 0; i < count; i++) {
    const s = d.session();
    const r = await settles(s.run('RETURN 1'), `honest query ${i}`, settleMs);
    expect(r.error).toBeUndefined();
    expect(r.value?.records.map((x) => x.get('x'))).toEqual([1]);
    await s.close();
  }
}
