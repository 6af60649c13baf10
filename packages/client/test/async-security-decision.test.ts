import type { Response } from '@bolt/parser';
import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { type AuthTokenManager, auth, type BoltError, Connection, driver } from '../src/index.js';
import { closeOnClockAfterTest } from './support/close-after-test.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';

// An AuthTokenManager may answer handleSecurityException with a promise (it asks a remote
// service). The security error reaches its reader once the promise settles, retryable when it
// said true; what the connection received after the FAILURE (here: the server closing it, as
// Neo4j does after such errors) waits with it, so the reader gets the security error, not a
// lost connection (testkit: authorization/test_auth_token_manager, test_error_on_*).

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
/** A few turns of the event loop: long enough for anything sent to arrive in memory. */
const aWhile = () => new Promise((r) => setTimeout(r, 20));
/** Wait until `done()` holds (checked every 5 ms, for at most 2 s). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}

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
        const clock = new ManualClock();
        const drv = closeOnClockAfterTest(
          driver('bolt://h:1', { auth: manager, netModule: peer.module, clock }),
          clock,
        );
        const s = drv.session();
        const read =
          failOn === 'PULL'
            ? s.run('RETURN 1 AS n').records()
            : s.beginTransaction().then((tx) => tx.run('RETURN 1 AS n').records());
        const seen = watch(read);
        await until(() => told.length > 0);
        await aWhile();
        expect(told).toEqual([EXPIRED]);
        // the server has closed the connection, and nothing was reported yet
        expect(seen.settled).toBe(false);
        answer.resolve(handled);
        await until(() => seen.settled);
        expect(seen.error).toMatchObject({ kind: 'server', code: EXPIRED, retryable: handled });
        await s.close();
      });

  it('a rejected answer counts as not handled', async () => {
    const answer = decision();
    const { told, manager } = asyncManager([answer.promise]);
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { auth: manager, netModule: peerFailingOn('PULL').module, clock }),
      clock,
    );
    const s = drv.session();
    const seen = watch(s.run('RETURN 1 AS n'));
    await until(() => told.length > 0);
    answer.reject(new Error('the vault is down'));
    await until(() => seen.settled);
    expect(seen.error).toMatchObject({ code: EXPIRED, retryable: false });
    await s.close();
  });

  it('a managed transaction tries again once the answer says handled', async () => {
    const { told, manager } = asyncManager([Promise.resolve(true)]);
    const peer = peerFailingOn('COMMIT');
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', {
        auth: manager,
        netModule: peer.module,
        clock,
        retry: { initialDelayMs: 20, multiplier: 1, jitter: 0 },
      }),
      clock,
    );
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
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { auth: manager, netModule: peer.module, clock }),
      clock,
    );
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
    const { told, manager } = asyncManager([answer.promise]);
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    peer.onRequest = (req, p) => {
      if (req.type === 'HELLO') p.send(ok({ server: 'Neo4j/5.26.0', connection_id: 'c-1' }));
      else if (req.type === 'PULL')
        // RUN's FAILURE and PULL's IGNORED in one write
        p.send(failure(EXPIRED), { type: 'IGNORED' } as Response);
      else if (req.type !== 'RUN') p.send(ok());
    };
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { auth: manager, netModule: peer.module, clock }),
      clock,
    );
    const s = drv.session();
    const tx = await s.beginTransaction();
    const seen = watch(tx.run('RETURN 1 AS n').records());
    await until(() => told.length > 0);
    await aWhile();
    expect(seen.settled).toBe(false);
    answer.resolve(true);
    await until(() => seen.settled);
    expect(seen.error).toMatchObject({ kind: 'server', code: EXPIRED, retryable: true });
    await s.close();
  });

  it('an undecodable message held back behind the FAILURE ends the connection once replayed', async () => {
    // at the connection itself (the driver's security handling would close the connection
    // before the replay): the hook's promise holds the answers back
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    peer.onRequest = (req, p) => {
      if (req.type === 'HELLO') p.send(ok({ server: 'Neo4j/5.26.0', connection_id: 'c-1' }));
      else if (req.type === 'PULL') {
        // RUN's FAILURE, then a message no codec reads (a struct cut short)
        const failed = p.bytes(failure(EXPIRED));
        const garbage = Uint8Array.of(0x00, 0x02, 0xb1, 0x7f, 0x00, 0x00);
        const both = new Uint8Array(failed.length + garbage.length);
        both.set(failed);
        both.set(garbage, failed.length);
        p.server.write(both);
      } else if (req.type !== 'RUN') p.send(ok());
    };
    const answer = decision();
    let asked = false;
    const clock = new ManualClock();
    const conn = await Connection.open({
      netModule: peer.module,
      host: 'h',
      port: 1,
      auth: auth.basic('neo4j', 'pw'),
      clock,
      onServerFailure: () => {
        asked = true;
        return answer.promise.then(() => {});
      },
    });
    const told: string[] = [];
    conn.enqueue(
      { type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} },
      { onFailure: (e) => told.push(`RUN ${e.kind}`) },
    );
    conn.pull(-1, undefined, { onFailure: (e) => told.push(`PULL ${e.kind}`) });
    conn.flush();
    await until(() => asked);
    await aWhile();
    expect(told).toEqual([]);
    answer.resolve(false);
    await until(() => told.length === 2);
    expect(told).toEqual(['RUN server', 'PULL protocol']);
    await clock.runUntil(conn.close(), (ms) => ms === 2000);
  });
});
