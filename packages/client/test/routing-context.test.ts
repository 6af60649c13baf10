import { afterEach, describe, expect, it } from 'vitest';
import { driver } from '../src/index.js';
import { type Fixture, memoryServer } from './support/bolt-fixture.js';

// neo4j:// connections tell the server the driver's routing context in HELLO (4.1+), as the
// official drivers do, so a cluster with server-side routing routes their work too.
describe('routing context in HELLO', () => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  async function routingSeen(url: (port: number) => string): Promise<unknown> {
    let seen: unknown = 'not called';
    fixture = await memoryServer({
      run(_query, _params, ctx) {
        seen = ctx.connection.routing;
        return { fields: ['n'], records: [[1]] };
      },
    });
    const d = driver(url(fixture.port), { netModule: fixture.netModule });
    try {
      await d.executeQuery('RETURN 1 AS n');
    } finally {
      await d.close();
    }
    return seen;
  }

  it('neo4j:// sends the address and the URL query parameters', async () => {
    const seen = await routingSeen((port) => `neo4j://localhost:${port}?region=eu&policy=fast`);
    expect(seen).toEqual({
      address: expect.stringMatching(/^localhost:\d+$/),
      region: 'eu',
      policy: 'fast',
    });
  });

  it('neo4j:// without parameters still sends the address', async () => {
    const seen = await routingSeen((port) => `neo4j://localhost:${port}`);
    expect(seen).toEqual({ address: expect.stringMatching(/^localhost:\d+$/) });
  });

  it('bolt:// sends no routing context', async () => {
    const seen = await routingSeen((port) => `bolt://localhost:${port}`);
    expect(seen == null).toBe(true);
  });
});
