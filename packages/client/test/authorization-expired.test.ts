import type { NetModule } from '@bolt/net-adapters';
import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { auth, driver } from '../src/index.js';
import { closeOnClockAfterTest } from './support/close-after-test.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';

// AuthorizationExpired is the server's verdict on the credentials, not on one connection: every
// pooled connection to that server is replaced (before 5.1) or re-authenticated before reuse.

/** A server (default Bolt 4.4): one ScriptedPeer per connection; `EXPIRE` fails with
 *  AuthorizationExpired; ROUTE names this one server in every role. */
function server(version = { major: 4, minor: 4 }) {
  const peers: ScriptedPeer[] = [];
  const module: NetModule = {
    name: 'peers',
    connect: (options) => {
      const peer = new ScriptedPeer({ supported: [version] });
      let failed = false;
      peer.onRequest = (req, p) => {
        if (req.type === 'RESET') {
          failed = false;
          p.send(ok());
        } else if (failed) p.send({ type: 'IGNORED' });
        else if (req.type === 'HELLO') p.send(ok({ server: 'S/1', connection_id: 'c' }));
        else if (req.type === 'RUN' && req.query === 'EXPIRE') {
          failed = true;
          p.send({
            type: 'FAILURE',
            metadata: { code: 'Neo.ClientError.Security.AuthorizationExpired', message: 'x' },
          });
        } else if (req.type === 'ROUTE') {
          const servers = ['ROUTE', 'READ', 'WRITE'].map((role) => ({ role, addresses: ['h:1'] }));
          p.send(ok({ rt: { ttl: 300, db: 'neo4j', servers } }));
        } else if (req.type === 'RUN') p.send(ok({ fields: ['n'] }));
        else if (req.type === 'PULL') p.send(record(1), ok({ type: 'r' }));
        else p.send(ok());
      };
      peers.push(peer);
      return peer.module.connect(options);
    },
  };
  return { peers, module };
}

describe('AuthorizationExpired', () => {
  it('replaces every pooled connection to the server, not just the one that failed (4.4)', async () => {
    const s = server();
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { clock, auth: auth.basic('u', 'p'), netModule: s.module }),
      clock,
    );
    const s1 = drv.session();
    const s2 = drv.session();
    const tx1 = await s1.beginTransaction();
    await tx1.run('RETURN 1 AS n');
    const err = await s2.run('EXPIRE').then(
      () => undefined,
      (e) => e,
    );
    expect(err?.code).toBe('Neo.ClientError.Security.AuthorizationExpired');
    await tx1.commit();
    await s1.close();
    await s2.close();
    expect(s.peers).toHaveLength(2);
    await drv.session().run('RETURN 1 AS n');
    // neither connection of the expired authorization served the new session
    expect(s.peers).toHaveLength(3);
    expect(s.peers[2]!.requests.map((r) => r.type)).toContain('RUN');
  });

  it('closes the connection that received it at once, so the pool cannot hand it out again', async () => {
    const s = server();
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('bolt://h:1', { clock, auth: auth.basic('u', 'p'), netModule: s.module }),
      clock,
    );
    const session = drv.session();
    await session.run('RETURN 1 AS n');
    const err = await session.run('EXPIRE').then(
      () => undefined,
      (e) => e,
    );
    expect(err?.code).toBe('Neo.ClientError.Security.AuthorizationExpired');
    // closed by the client, not waiting for the server to close it
    const closed = await Promise.race([
      s.peers[0]!.server.closed.then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('open'), 500)),
    ]);
    expect(closed).toBe('closed');
    await session.run('RETURN 1 AS n');
    expect(s.peers).toHaveLength(2);
    await session.close();
  });

  it('re-authenticates every pooled connection to that server of a routing driver (5.4)', async () => {
    const s = server({ major: 5, minor: 4 });
    const clock = new ManualClock();
    const drv = closeOnClockAfterTest(
      driver('neo4j://h:1', { clock, auth: auth.basic('u', 'p'), netModule: s.module }),
      clock,
    );
    const s1 = drv.session({ defaultAccessMode: 'READ' });
    const s2 = drv.session({ defaultAccessMode: 'READ' });
    const tx1 = await s1.beginTransaction();
    await tx1.run('RETURN 1 AS n');
    const err = await s2.run('EXPIRE').then(
      () => undefined,
      (e) => e,
    );
    expect(err?.code).toBe('Neo.ClientError.Security.AuthorizationExpired');
    await tx1.commit();
    const reader = s.peers.find((p) => p.requests.some((r) => r.type === 'BEGIN'))!;
    const seen = reader.requests.length;
    const tx = await s1.beginTransaction();
    await tx.run('RETURN 1 AS n');
    await tx.commit();
    await s1.close();
    await s2.close();
    // tx1's connection served again, logged on anew before its BEGIN
    expect(reader.requests.slice(seen).map((r) => r.type)).toEqual(
      expect.arrayContaining(['LOGOFF', 'LOGON', 'BEGIN']),
    );
    const after = reader.requests.slice(seen).map((r) => r.type);
    expect(after.indexOf('LOGON')).toBeLessThan(after.indexOf('BEGIN'));
  });
});
