/** The clock testkit freezes and advances (Backend:MockTime), on its own. */
import { afterEach, describe, expect, it } from 'vitest';
import { TestkitClock } from '../src/fake-time.js';

const clocks: TestkitClock[] = [];
const make = () => {
  const c = new TestkitClock();
  clocks.push(c);
  return c;
};
afterEach(() => {
  for (const c of clocks.splice(0)) c.uninstall();
});

describe('TestkitClock', () => {
  it('runs in real time, stands still once installed and moves only by tick', async () => {
    const c = make();
    const before = Date.now();
    expect(c.now()).toBeGreaterThanOrEqual(before);
    c.install();
    expect(c.frozen).toBe(true);
    const frozen = c.now();
    await new Promise((r) => setTimeout(r, 20));
    expect(c.now()).toBe(frozen);
    c.tick(3_600_000);
    expect(c.now()).toBe(frozen + 3_600_000);
    // the time never goes back: after uninstall it runs on from where the ticks left it
    c.uninstall();
    expect(c.frozen).toBe(false);
    expect(c.now()).toBeGreaterThanOrEqual(frozen + 3_600_000);
  });

  it('fires the timers that come due during a tick, earliest first, each at its due time', () => {
    const c = make();
    c.install();
    const start = c.now();
    const fired: string[] = [];
    c.setTimeout(() => fired.push(`b@${c.now() - start}`), 200);
    c.setTimeout(() => {
      fired.push(`a@${c.now() - start}`);
      // a timer set by a firing timer fires in the same tick when it comes due within it
      c.setTimeout(() => fired.push(`c@${c.now() - start}`), 50);
    }, 100);
    c.setTimeout(() => fired.push(`b2@${c.now() - start}`), 200);
    const late = c.setTimeout(() => fired.push('never'), 150);
    c.clearTimeout(late);
    c.setTimeout(() => fired.push(`d@${c.now() - start}`), 1_000);
    c.tick(99);
    expect(fired).toEqual([]);
    c.tick(151);
    expect(fired).toEqual(['a@100', 'c@150', 'b@200', 'b2@200']);
    expect(c.now() - start).toBe(250);
  });

  it('hands the timers still pending at uninstall to real timers with the delay they had left', async () => {
    const c = make();
    c.install();
    const fired: string[] = [];
    c.setTimeout(() => fired.push('soon'), 100);
    const cleared = c.setTimeout(() => fired.push('cleared'), 100);
    const hour = c.setTimeout(() => fired.push('hour'), 3_600_000);
    c.tick(90);
    c.uninstall();
    c.clearTimeout(cleared);
    await new Promise((r) => setTimeout(r, 60));
    expect(fired).toEqual(['soon']);
    c.clearTimeout(hour); // a handed-over timer is cleared through the clock too
  });
});
