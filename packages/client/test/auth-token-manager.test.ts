// AuthTokenManager: asked for the token at every acquisition, told of security errors (and a
// handled one becomes retryable); the built-in basic and bearer managers.
import { ManualClock } from '@bolt/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuthToken,
  type AuthTokenManager,
  auth,
  authTokenManagers,
  type BoltError,
  type Driver,
  driver,
} from '../src/index.js';
import { type Fixture, memoryServer } from './support/bolt-fixture.js';
import { newSeen, testHandler } from './support/test-handler.js';

let fx: Fixture | undefined;
let drv: Driver | undefined;
let clock: ManualClock;
beforeEach(() => {
  clock = new ManualClock();
});
afterEach(async () => {
  await drv?.close();
  drv = undefined;
  await fx?.close();
  fx = undefined;
});

async function setup(manager: AuthTokenManager) {
  const seen = newSeen();
  fx = await memoryServer(testHandler(seen), {});
  drv = driver(fx.url, {
    auth: manager,
    netModule: fx.netModule,
    maxConnectionPoolSize: 1,
    clock,
  });
  return { seen, d: drv };
}

const failWith = (code: string) => ({ n: 0, code });
const rejection = (p: PromiseLike<unknown>) =>
  Promise.resolve(p).then(
    () => undefined,
    (e) => e,
  );

/** A manager recording what the driver does with it. */
function tracking(tokens: () => AuthToken, handles: (code: string) => boolean) {
  const calls = { getToken: 0, handled: [] as [AuthToken, string][] };
  const manager: AuthTokenManager = {
    getToken() {
      calls.getToken++;
      return tokens();
    },
    handleSecurityException(token, code) {
      calls.handled.push([token, code]);
      return handles(code);
    },
  };
  return { calls, manager };
}

describe('AuthTokenManager', () => {
  it('is asked at every acquisition; a changed token re-authenticates the pooled connection', async () => {
    let user = 'alice';
    const { calls, manager } = tracking(
      () => auth.basic(user, 'pw'),
      () => false,
    );
    const { seen, d } = await setup(manager);
    for (const u of ['alice', 'alice', 'bob']) {
      user = u;
      const s = d.session();
      await s.run('RETURN 1 AS n');
      await s.close();
    }
    expect(calls.getToken).toBe(3);
    expect(seen.auths.map((a) => a.principal)).toEqual(['alice', 'bob']);
    expect(calls.handled).toEqual([]);
  });

  it('hears of each security error with the token; a handled error is retryable', async () => {
    for (const handled of [false, true]) {
      const token = auth.basic('neo4j', 'pw');
      const { calls, manager } = tracking(
        () => token,
        () => handled,
      );
      const { d } = await setup(manager);
      const s = d.session();
      const e = (await rejection(
        s.run('FAIL_AFTER', failWith('Neo.ClientError.Security.Unauthorized')),
      )) as BoltError;
      expect(e.code).toBe('Neo.ClientError.Security.Unauthorized');
      expect(e.retryable).toBe(handled);
      expect(calls.handled).toEqual([[token, 'Neo.ClientError.Security.Unauthorized']]);
      // not a security error: not told
      await rejection(s.run('FAIL_AFTER', failWith('Neo.ClientError.Statement.SyntaxError')));
      expect(calls.handled).toHaveLength(1);
      await s.close();
      await drv!.close();
      await fx!.close();
    }
  });

  it('a security failure closes its connection: the next work opens a new one', async () => {
    const { manager } = tracking(
      () => auth.basic('neo4j', 'pw'),
      () => false,
    );
    const { d } = await setup(manager);
    const s = d.session();
    // not a security failure: the connection stays
    await rejection(s.run('FAIL_AFTER', failWith('Neo.ClientError.Statement.SyntaxError')));
    await rejection(s.run('FAIL_AFTER', failWith('Neo.ClientError.Security.Forbidden')));
    expect(fx!.netModule.transports).toHaveLength(1);
    await s.run('RETURN 1 AS n');
    expect(fx!.netModule.transports).toHaveLength(2);
    await s.close();
  });

  it('is not told of errors on a session with its own credentials', async () => {
    const { calls, manager } = tracking(
      () => auth.basic('neo4j', 'pw'),
      () => true,
    );
    const { d } = await setup(manager);
    const s = d.session({ auth: auth.basic('other', 'pw') });
    const e = (await rejection(
      s.run('FAIL_AFTER', failWith('Neo.ClientError.Security.Forbidden')),
    )) as BoltError;
    expect(e.retryable).toBe(false);
    expect(calls.handled).toEqual([]);
    await s.close();
  });

  it('a handled error makes a managed transaction try again with the new token', async () => {
    let n = 0;
    const manager = authTokenManagers.basic({
      tokenProvider: () => auth.basic('neo4j', `pw${++n}`),
    });
    const { seen, d } = await setup(manager);
    let attempts = 0;
    const work = d.session().executeRead(async (tx) => {
      attempts++;
      const code = attempts === 1 ? 'Neo.ClientError.Security.Unauthorized' : undefined;
      if (code) await tx.run('FAIL_AFTER', failWith(code));
      return (await tx.run('RETURN 1 AS n').single()).get('n');
    });
    await clock.runUntil(work, (ms) => ms <= 1200); // the back-off (1 s ± 20 %), on the clock
    const value = await work;
    expect(value).toBe(1);
    expect(attempts).toBe(2);
    expect(n).toBe(2);
    expect(seen.auths.map((a) => a.credentials)).toEqual(['pw1', 'pw2']);
  });
});

describe('authTokenManagers', () => {
  it('basic: asks its provider once, again only after Unauthorized', async () => {
    let n = 0;
    const m = authTokenManagers.basic({ tokenProvider: () => auth.basic('u', `p${++n}`) });
    const first = await m.getToken();
    expect(await m.getToken()).toBe(first);
    expect(m.handleSecurityException(first, 'Neo.ClientError.Security.TokenExpired')).toBe(false);
    expect(await m.getToken()).toBe(first);
    expect(m.handleSecurityException(first, 'Neo.ClientError.Security.Unauthorized')).toBe(true);
    expect((await m.getToken()).credentials).toBe('p2');
  });

  it('bearer: renews at expiration and after TokenExpired or Unauthorized', async () => {
    let n = 0;
    let expiresIn = 60_000;
    const m = authTokenManagers.bearer({
      tokenProvider: () => ({
        token: auth.bearer(`t${++n}`),
        expiration: new Date(Date.now() + expiresIn),
      }),
    });
    const t1 = await m.getToken();
    expect(await m.getToken()).toBe(t1);
    expect(m.handleSecurityException(t1, 'Neo.ClientError.Security.TokenExpired')).toBe(true);
    expiresIn = -1; // the next token is already expired: asked again at once
    expect((await m.getToken()).credentials).toBe('t2');
    expect((await m.getToken()).credentials).toBe('t3');
    expect(m.handleSecurityException(t1, 'Neo.ClientError.Security.Forbidden')).toBe(false);
  });

  it("bearer: reads the expiration on the clock it is given (the driver's manual clock)", async () => {
    let n = 0;
    const m = authTokenManagers.bearer({
      clock,
      tokenProvider: () => ({
        token: auth.bearer(`t${++n}`),
        expiration: new Date(clock.now() + 10_000),
      }),
    });
    expect((await m.getToken()).credentials).toBe('t1');
    clock.advance(9_999);
    expect((await m.getToken()).credentials).toBe('t1');
    clock.advance(1); // expired on the manual clock, though no real time passed
    expect((await m.getToken()).credentials).toBe('t2');
  });

  it('a driver takes a manager, a provider or a token; anything else is a usage error', () => {
    expect(() => driver('bolt://localhost', { auth: {} as AuthToken })).toThrow(/auth must be/);
  });
});
