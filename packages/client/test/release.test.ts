import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, CLIENT_PRODUCT, type Driver, driver } from '../src/index.js';
import { type Fixture, memoryServer } from './support/bolt-fixture.js';
import { newSeen, testHandler } from './support/test-handler.js';

// Release-readiness fixes (what a new user hits on day one).
const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

let fx: Fixture | undefined;
let drv: Driver | undefined;
afterEach(async () => {
  await drv?.close();
  drv = undefined;
  await fx?.close();
  fx = undefined;
});

describe('release: identity', () => {
  it('user_agent and bolt_agent carry the real package version', async () => {
    expect(CLIENT_PRODUCT).toBe(`bolt-client/${manifest.version}`);
    const seen = newSeen();
    let agents: { user?: string; bolt?: unknown } = {};
    const handler = testHandler(seen);
    fx = await memoryServer({
      ...handler,
      authenticate: (token, connection) => {
        agents = { user: connection.userAgent, bolt: connection.boltAgent };
        return handler.authenticate!(token, connection);
      },
    });
    drv = driver(fx.url, { auth: auth.basic('neo4j', 'pw'), netModule: fx.netModule });
    await drv.verifyConnectivity();
    expect(agents.user).toBe(`bolt-client/${manifest.version}`);
    expect(agents.bolt).toMatchObject({ product: `bolt-client/${manifest.version}` });
  });
});
