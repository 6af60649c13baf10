import { memoryNetwork } from '@bolt/net-adapters';
import { ManualClock } from '@bolt/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { type Driver, driver } from '../src/index.js';
import { type Fixture, memoryServer } from './support/bolt-fixture.js';

// The driver reads the time from its `clock` option: moving a manual clock, and nothing else,
// expires what has a time limit. (Timeouts, lifetimes, liveness checks and retries on a
// manual clock are tested where those features are.)
let fixture: Fixture | undefined;
let d: Driver | undefined;
afterEach(async () => {
  await d?.close();
  d = undefined;
  await fixture?.close();
  fixture = undefined;
});

describe('the clock option', () => {
  it('a routing table is fetched again once its ttl has passed on the clock', async () => {
    let routes = 0;
    fixture = await memoryServer({
      run: () => ({ fields: ['n'], records: [[1]] }),
      route: () => {
        routes++;
        const addresses = [`localhost:${fixture!.port}`];
        return {
          ttl: 60,
          db: 'neo4j',
          servers: [
            { role: 'ROUTE', addresses },
            { role: 'READ', addresses },
            { role: 'WRITE', addresses },
          ],
        };
      },
    });
    const clock = new ManualClock();
    d = driver(`neo4j://localhost:${fixture.port}`, { netModule: fixture.netModule, clock });
    const query = () => d!.executeQuery('RETURN 1 AS n', {}, { database: 'neo4j' });
    await query();
    expect(routes).toBe(1);
    expect(d.routingTable('neo4j')?.expiresAt).toBe(clock.now() + 60_000);
    clock.advance(59_999);
    await query();
    expect(routes).toBe(1);
    clock.advance(1);
    await query();
    expect(routes).toBe(2);
    expect(d.routingTable('neo4j')?.expiresAt).toBe(clock.now() + 60_000);
  });

  it('must have now(), setTimeout() and clearTimeout()', () => {
    const netModule = memoryNetwork().module;
    expect(() => driver('bolt://h', { netModule, clock: { now: () => 0 } as never })).toThrow(
      /clock must have now\(\), setTimeout\(\) and clearTimeout\(\)/,
    );
    expect(() => driver('bolt://h', { netModule, clock: new ManualClock() })).not.toThrow();
  });
});
