import { BoltError as ServerError } from '@bolt/server';
import { describe, expect, it } from 'vitest';
import { auth, driver } from '../src/index.js';
import { memoryDriver } from './support/memory-driver.js';
import { newSeen, testHandler } from './support/test-handler.js';

/** A server that refuses password 'wrong' (Unauthorized), fails 'odd' with a made-up
 *  security code, and refuses every password once `refuseAll` is set. */
async function setup(version: { major: number; minor: number }) {
  const seen = newSeen();
  const h = testHandler(seen);
  const authenticate = h.authenticate!;
  const state = { refuseAll: false };
  h.authenticate = (token, ...rest) => {
    if (state.refuseAll)
      throw new ServerError('no longer', { code: 'Neo.ClientError.Security.Unauthorized' });
    if (token.credentials === 'odd')
      throw new ServerError('odd', { code: 'Neo.ClientError.Security.MadeUp' });
    return authenticate.call(h, token, ...rest);
  };
  const { fx, d } = await memoryDriver(h, { versions: [version] });
  return { seen, d, state, fx };
}

describe('driver.verifyAuthentication', () => {
  it('true for accepted credentials, on a new and on a pooled connection (LOGON awaited)', async () => {
    const { d, seen, fx } = await setup({ major: 5, minor: 8 });
    expect(await d.verifyAuthentication()).toBe(true);
    expect(await d.verifyAuthentication({ auth: auth.basic('alice', 'a') })).toBe(true);
    expect(seen.auths.map((a) => a.principal)).toEqual(['neo4j', 'alice']);
    expect(fx.netModule.transports).toHaveLength(1);
  });

  it('false for refused credentials, also when a pooled connection switches to them', async () => {
    const { d } = await setup({ major: 5, minor: 8 });
    expect(await d.verifyAuthentication({ auth: auth.basic('alice', 'wrong') })).toBe(false);
    await d.session().run('RETURN 1 AS n');
    expect(await d.verifyAuthentication({ auth: auth.basic('alice', 'wrong') })).toBe(false);
    // the driver keeps working with its own credentials
    expect(await d.verifyAuthentication()).toBe(true);
  });

  it('asks the server again when a pooled connection already holds the credentials', async () => {
    // 5.1+: the pooled connection logs on again; before: a new connection is opened
    for (const [minor, transports] of [
      [8, 1],
      [0, 2],
    ] as const) {
      const { d, state, fx } = await setup({ major: 5, minor });
      await d.session().run('RETURN 1 AS n');
      state.refuseAll = true;
      expect(await d.verifyAuthentication()).toBe(false);
      expect(fx.netModule.transports).toHaveLength(transports);
      await d.close();
      await fx.close();
    }
  });

  it('rejects with other failures', async () => {
    const { d } = await setup({ major: 5, minor: 8 });
    const err = await d.verifyAuthentication({ auth: auth.basic('alice', 'odd') }).catch((e) => e);
    expect(err.code).toBe('Neo.ClientError.Security.MadeUp');
  });

  it('other credentials than the driver’s need Bolt 5.1+', async () => {
    const { d } = await setup({ major: 5, minor: 0 });
    expect(await d.verifyAuthentication()).toBe(true);
    const err = await d.verifyAuthentication({ auth: auth.basic('alice', 'a') }).catch((e) => e);
    expect(err.kind).toBe('usage');
  });
});

describe('driver.supportsSessionAuth / isEncrypted', () => {
  it('session auth from Bolt 5.1 on', async () => {
    const first = await setup({ major: 5, minor: 1 });
    expect(await first.d.supportsSessionAuth()).toBe(true);
    await first.d.close();
    await first.fx.close();
    expect(await (await setup({ major: 5, minor: 0 })).d.supportsSessionAuth()).toBe(false);
  });

  it('encrypted as the scheme and tls option say', async () => {
    const plain = driver('bolt://localhost:7687');
    const tls = driver('bolt+s://localhost:7687');
    const optIn = driver('neo4j://localhost:7687', { tls: { enabled: true } });
    expect([plain.isEncrypted(), tls.isEncrypted(), optIn.isEncrypted()]).toEqual([
      false,
      true,
      true,
    ]);
    await Promise.all([plain.close(), tls.close(), optIn.close()]);
  });
});
