import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { auth, driver } from '../src/index.js';
import { closeOnClockAfterTest } from './support/close-after-test.js';
import { memoryDriver } from './support/memory-driver.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';
import { newSeen, testHandler } from './support/test-handler.js';

// How pooled connections are handed out: checked before verifyConnectivity reports on them,
// and opened with a session's own credentials (testkit: connectivity_check, user switching).

async function setup(version: { major: number; minor: number }, wire: string[] = []) {
  const seen = newSeen();
  const { fx, d } = await memoryDriver(
    testHandler(seen),
    { versions: [version] },
    { logger: { debug: (m) => wire.push(m) } },
  );
  return { seen, d, fx };
}

describe('connection reuse', () => {
  it('verifyConnectivity checks a pooled connection with RESET before reporting it', async () => {
    const wire: string[] = [];
    const { d, fx } = await setup({ major: 5, minor: 8 }, wire);
    const s = d.session();
    await s.run('RETURN 1 AS n');
    await s.close();
    const before = wire.filter((l) => l === 'C: RESET').length;
    const info = await d.verifyConnectivity();
    expect(info.agent).toBeTruthy();
    expect(wire.filter((l) => l === 'C: RESET').length).toBe(before + 1);
    expect(fx.netModule.transports).toHaveLength(1); // the pooled one, not a new one
  });

  it("opens a new connection with the session's credentials, not the driver's then LOGON", async () => {
    const { seen, d, fx } = await setup({ major: 5, minor: 8 });
    const s = d.session({ auth: auth.basic('other', 'pw2') });
    await s.run('RETURN 1 AS n');
    await s.close();
    expect(seen.auths).toEqual([{ scheme: 'basic', principal: 'other', credentials: 'pw2' }]);
    // back to the driver's credentials on the same connection: LOGOFF + LOGON
    await d.session().run('RETURN 1 AS n');
    expect(seen.auths.map((a) => a.principal)).toEqual(['other', 'neo4j']);
    expect(fx.netModule.transports).toHaveLength(1);
  });

  it('refuses per-session credentials before Bolt 5.1, also on a fresh connection', async () => {
    const { seen, d } = await setup({ major: 5, minor: 0 });
    const err = await d
      .session({ auth: auth.basic('other', 'pw2') })
      .run('RETURN 1 AS n')
      .then(
        () => undefined,
        (e) => e,
      );
    expect(err?.kind).toBe('usage');
    expect(err?.message).toMatch(/5\.1/);
    expect(seen.queries).toHaveLength(0);
  });
});

describe('switching credentials on a pooled connection (5.1+)', () => {
  // A switching LOGON's answer (after LOGOFF) is held back until the query arrives: a client
  // that waits for it before sending the query never gets it (the test times out).
  function peerWithServer(refuse?: string) {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 4 }] });
    let logonAnswer: (() => void) | undefined;
    peer.onRequest = (req, p) => {
      if (req.type === 'HELLO') p.send(ok({ server: 'S/1', connection_id: 'c' }));
      else if (req.type === 'LOGON') {
        const refused = (req.auth as { principal?: string }).principal === refuse;
        const answer = () =>
          p.send(
            refused
              ? {
                  type: 'FAILURE',
                  metadata: { code: 'Neo.ClientError.Security.Unauthorized', message: 'no' },
                }
              : ok(),
          );
        if (!peer.requests.some((r) => r.type === 'LOGOFF')) answer();
        else logonAnswer = answer;
      } else if (req.type === 'LOGOFF' || req.type === 'RESET') p.send(ok());
      else if (req.type === 'RUN') {
        logonAnswer?.();
        logonAnswer = undefined;
        p.send(ok({ fields: ['n'] }));
      } else if (req.type === 'PULL') p.send(record(1), ok());
    };
    return peer;
  }

  it('sends LOGOFF and LOGON ahead of the query, without waiting for their answers', async () => {
    const peer = peerWithServer();
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { clock, auth: auth.basic('neo4j', 'pw'), netModule: peer.module }),
      clock,
    );
    await drv.session().run('RETURN 1 AS n');
    const before = peer.requests.length;
    const result = await drv.session({ auth: auth.basic('other', 'pw2') }).run('RETURN 1 AS n');
    expect(result.records.map((r) => r.get('n'))).toEqual([1]);
    expect(peer.requests.slice(before).map((r) => r.type)).toEqual([
      'LOGOFF',
      'LOGON',
      'RUN',
      'PULL',
    ]);
  });

  it('fails the query with the refusal when the server refuses the new credentials', async () => {
    const peer = peerWithServer('other');
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { clock, auth: auth.basic('neo4j', 'pw'), netModule: peer.module }),
      clock,
    );
    await drv.session().run('RETURN 1 AS n');
    const err = await drv
      .session({ auth: auth.basic('other', 'pw2') })
      .run('RETURN 1 AS n')
      .then(
        () => undefined,
        (e) => e,
      );
    expect(err?.code).toBe('Neo.ClientError.Security.Unauthorized');
  });
});
