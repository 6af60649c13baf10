import { auth, type Driver, type DriverConfig, driver } from '../../src/index.js';
import { type Fixture, memoryServer } from './bolt-fixture.js';
import { closeAfterTest } from './close-after-test.js';

/** `memoryServer(handler, serverOptions)` and a driver on it (user neo4j, password pw, the
 *  fixture's network, then `config`), both closed when the running test finishes, the driver
 *  first. */
export async function memoryDriver(
  handler: Parameters<typeof memoryServer>[0],
  serverOptions: Parameters<typeof memoryServer>[1] = {},
  config: Partial<DriverConfig> = {},
): Promise<{ fx: Fixture; d: Driver }> {
  const fx = closeAfterTest(await memoryServer(handler, serverOptions));
  const d = closeAfterTest(
    driver(fx.url, { auth: auth.basic('neo4j', 'pw'), netModule: fx.netModule, ...config }),
  );
  return { fx, d };
}
