import { describe, expect, it } from 'vitest';
import type { Session } from '../src/index.js';
import { memoryDriver } from './support/memory-driver.js';
import { newSeen, testHandler } from './support/test-handler.js';

// When an auto-commit query is written: as soon as its reader is known (awaited, read whole or
// iterated), in the same call, or otherwise after the microtasks queued so far.

/** A session whose connection is pooled and idle (its first query has been answered). */
async function warmSession(fetchSize?: number) {
  const lines: string[] = [];
  const { fx, d } = await memoryDriver(
    testHandler(newSeen()),
    { versions: [{ major: 5, minor: 8 }] },
    { fetchSize, logger: { debug: (m) => lines.push(m) } },
  );
  const s = d.session();
  await s.run('RETURN 1 AS n');
  lines.length = 0;
  return { s, lines, module: fx.netModule };
}

const sent = (lines: string[]) => lines.filter((l) => l.startsWith('C: ')).map((l) => l.slice(3));
const microtasks = async (n: number) => {
  for (let i = 0; i < n; i++) await undefined;
};
const pullOf = (lines: string[]) => sent(lines).find((l) => l.startsWith('PULL'));

describe('an auto-commit query on an idle pooled connection', () => {
  it('is written in the then() call that awaits it, with one PULL of everything', async () => {
    const { s, lines, module } = await warmSession();
    const writes = module.writes;
    const result = s.run('RETURN 1 AS n');
    expect(module.writes).toBe(writes);
    // what `await result` does one microtask later
    const all = result.then((r) => r.records.map((x) => x.get(0)));
    expect(module.writes).toBe(writes + 1);
    expect(sent(lines).map((l) => l.split(' ')[0])).toEqual(['RUN', 'PULL']);
    expect(pullOf(lines)).toContain('-1');
    await expect(all).resolves.toEqual([1]);
    // awaiting it again sends nothing more
    await result;
    expect(sent(lines).filter((l) => l.startsWith('RUN'))).toHaveLength(1);
    expect(module.writes).toBe(writes + 1);
    await s.close();
  });

  it('is written when an iteration starts, with a PULL of the fetch size', async () => {
    const { s, lines, module } = await warmSession(7);
    const writes = module.writes;
    const result = s.run('ROWS', { n: 20 });
    const it = result[Symbol.asyncIterator]();
    expect(module.writes).toBe(writes + 1);
    expect(pullOf(lines)).toContain('7');
    let n = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) n++;
    expect(n).toBe(20);
    await s.close();
  });

  it('is written when records() is called', async () => {
    const { s, lines, module } = await warmSession();
    const writes = module.writes;
    const records = s.run('RETURN 1 AS n').records();
    expect(module.writes).toBe(writes + 1);
    expect(pullOf(lines)).toContain('-1');
    expect((await records).map((r) => r.get(0))).toEqual([1]);
    await s.close();
  });

  it('with no reader yet, is written after the microtasks queued so far, with a PULL of the fetch size', async () => {
    const { s, lines, module } = await warmSession(5);
    const writes = module.writes;
    const result: ReturnType<Session['run']> = s.run('RETURN 1 AS n');
    await microtasks(1);
    expect(module.writes).toBe(writes);
    await microtasks(4);
    expect(module.writes).toBe(writes + 1);
    expect(pullOf(lines)).toContain('5');
    // an await after it went out reads the rest as before
    expect((await result).records.map((r) => r.get(0))).toEqual([1]);
    expect(sent(lines).filter((l) => l.startsWith('RUN'))).toHaveLength(1);
    await s.close();
  });
});
