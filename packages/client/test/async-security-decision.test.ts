import type { Response } from '@bolt/parser';
import { ManualClock } from '@bolt/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuthTokenManager, auth, type BoltError, type Driver, driver } from '../src/index.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';

// An AuthTokenManager may answer handleSecurityException with a promise (it asks a remote
// service). The security error reaches its reader once the promise settles, retryable when it
// said true; what the connection received after the FAILURE (here: the server closing it, as
// Neo4j does after such errors) waits with it, so the reader gets the security error, not a
// lost connection (testkit: authorization/test_auth_token_manager, test_error_on_*).

let drv: Driver | undefined;
let clock: ManualClock;
beforeEach(() => {
  clock = new ManualClock();
});
afterEach(async () => {
  // a scripted peer left open makes closing wait out its 2 s grace period, on the clock
  if (drv) await clock.runUntil(drv.close(), (ms) => ms === 2000);
  drv = undefined;
});

// not retryable unless the manager handles it (AuthorizationExpired always is)
const EXPIRED = 'Neo.ClientError.Security.Unauthorized';
const failure = (code: string): Response =>
  ({ type: 'FAILURE', metadata: { code, message: 'security says no' } }) as Response;

/** A promise settled by the test. */
function decision() {
  let resolve!: (handled: boolean) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<boolean>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A manager that answers each security error with the next of `answers`. */
function asyncManager(answers: Promise<boolean>[]) {
  const told: string[] = [];
  const manager: AuthTokenManager = {
    getToken: () => auth.basic('neo4j', 'pw'),
    handleSecurityException(_token, code) {
      told.push(code);
      return answers.shift() ?? Promise.resolve(false);
    },
  };
  return { told, manager };
}

/** A 5.8 peer whose `failOn` request is answered with a security FAILURE, after which it closes
 *  the connection; every other request succeeds (RUN with one column, PULL with one record). */
function peerFailingOn(failOn: 'PULL' | 'RUN' | 'BEGIN' | 'COMMIT', connections = 1) {
  const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
  let opened = 0;
  let closed = false;
  peer.onRequest = (req, p) => {
    if (req.type === 'HELLO') {
      closed = false;
      opened++;
      p.send(ok({ server: 'Neo4j/5.26.0', connection_id: `c-${opened}` }));
    } else if (closed) return;
    else if (req.type === 'LOGON') p.send(ok());
    else if (req.type === failOn && opened <= connections) {
      p.send(failure(EXPIRED));
      p.server.end();
      closed = true;
    } else if (req.type === 'RUN') p.send(ok({ fields: ['n'] }));
    else if (req.type === 'PULL') p.send(record(1), ok({ type: 'r' }));
    else p.send(ok());
  };
  return peer;
}

/** Whether `p` settled yet, and how. */
function watch(p: PromiseLike<unknown>) {
  const seen: { settled: boolean; error?: BoltError; value?: unknown } = { settled: false };
  Promise.resolve(p).then(
    (value) => Object.assign(seen, { settled: true, value }),
    (error) => Object.assign(seen, { settled: true, error }),
  );
  return seen;
}
const aWhile = () => new Promise((r) => setTimeout(r, 20));

describe('handleSecurityException answered with a promise', () => {
  for (const [failOn, how] of [
    ['PULL', 'an auto-commit query'],
    ['RUN', 'a query in a transaction'],
  ] as const)
    for (const handled of [true, false])
      it(`${how} failing on ${failOn}: the reader waits for the answer (${handled}) and gets the security error`, async () => {
        const answer = decision();
        const { told, manager } = asyncManager([answer.promise]);
        const peer = peerFailingOn(failOn);
        drv = driver('bolt://h:1', { auth: manager, netModule: peer.module, clock });
        const s = drv.session();
        const read =
          failOn === 'PULL'
            ? s.run('RETURN 1 AS n').records()
            : s.beginTransaction().then((tx) => tx.run('RETURN 1 AS n').records());
        const seen = watch(read);
        await aWhile();
        expect(told).toEqual([EXPIRED]);
        // the server has closed the connection, and nothing was reported yet
        expect(seen.settled).toBe(false);
        answer.resolve(handled);
        await aWhile();
        expect(seen.error).toMatchObject({ kind: 'server', code: EXPIRED, retryable: handled });
        await s.close();
      });

  it('a rejected answer counts as not handled', async () => {
    const answer = decision();
    const { manager } = asyncManager([answer.promise]);
    drv = driver('bolt://h:1', { auth: manager, netModule: peerFailingOn('PULL').module, clock });
    const s = drv.session();
    const seen = watch(s.run('RETURN 1 AS n'));
    await aWhile();
    answer.reject(new Error('the vault is down'));
    await aWhile();
    expect(seen.error).toMatchObject({ code: EXPIRED, retryable: false });
    await s.close();
  });

  it('a managed transaction tries again once the answer says handled', async () => {
    const { told, manager } = asyncManager([Promise.resolve(true)]);
    const peer = peerFailingOn('COMMIT');
    drv = driver('bolt://h:1', {
      auth: manager,
      netModule: peer.module,
      clock,
      retry: { initialDelayMs: 20, multiplier: 1, jitter: 0 },
    });
    const s = drv.session();
    const work = s.executeRead(async (tx) => (await tx.run('RETURN 1 AS n').records())[0].get('n'));
    // the retry's back-off passes on the clock
    await clock.runUntil(work, (ms) => ms === 20);
    expect(await work).toBe(1);
    expect(told).toEqual([EXPIRED]);
    expect(peer.requests.filter((r) => r.type === 'COMMIT')).toHaveLength(2);
    await s.close();
  });

  it('a managed transaction does not try again when the answer says not handled', async () => {
    const { told, manager } = asyncManager([Promise.resolve(false)]);
    const peer = peerFailingOn('COMMIT');
    drv = driver('bolt://h:1', { auth: manager, netModule: peer.module, clock });
    const s = drv.session();
    const e = await s
      .executeRead(async (tx) => (await tx.run('RETURN 1 AS n').records())[0].get('n'))
      .catch((err: BoltError) => err);
    expect(e).toMatchObject({ kind: 'server', code: EXPIRED, retryable: false });
    expect(told).toEqual([EXPIRED]);
    expect(peer.requests.filter((r) => r.type === 'COMMIT')).toHaveLength(1);
    await s.close();
  });

  it('the answers after the FAILURE in the same bytes (IGNORED) wait for the decision too', async () => {
    const answer = decision();
    const { manager } = asyncManager([answer.promise]);
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    peer.onRequest = (req, p) => {
      if (req.type === 'HELLO') p.send(ok({ server: 'Neo4j/5.26.0', connection_id: 'c-1' }));
      else if (req.type === 'PULL')
        // RUN's FAILURE and PULL's IGNORED in one write
        p.send(failure(EXPIRED), { type: 'IGNORED' } as Response);
      else if (req.type !== 'RUN') p.send(ok());
    };
    drv = driver('bolt://h:1', { auth: manager, netModule: peer.module, clock });
    const s = drv.session();
    const tx = await s.beginTransaction();
    const seen = watch(tx.run('RETURN 1 AS n').records());
    await aWhile();
    expect(seen.settled).toBe(false);
    answer.resolve(true);
    await aWhile();
    expect(seen.error).toMatchObject({ kind: 'server', code: EXPIRED, retryable: true });
    await s.close();
  });
});
