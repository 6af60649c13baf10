/**
 * The parts of the script language that make a script a program: `PY:` and `!: PY` lines,
 * `IF:`/`ELIF:`/`ELSE:` conditions, parallel blocks, and typed values written in the other
 * JOLT flavour — each played over an in-memory transport with exactly the messages a client
 * sends. Modelled on the testkit scripts that use them (named per test).
 */
import { Structure } from '@bolt/packstream';
import { describe, expect, it } from 'vitest';
import { serve, verdict } from './support.js';

describe('PY lines and IF conditions', () => {
  // modelled on testkit routing/scripts/v4x4/router_adb_then_bdb.script
  const routerScript = `!: BOLT 4.4
!: ALLOW RESTART
!: PY request = 0

A: HELLO {"{}": "*"}
*: RESET
IF: request == 0
{{
    C: ROUTE {"{}": "*"} [] {"db": "adb"}
    S: SUCCESS {"rt": {"db": "adb"}}
    PY: request = 1
}}
ELIF: request == 1
{{
    C: ROUTE {"{}": "*"} [] {"db": "bdb"}
    S: SUCCESS {"rt": {"db": "bdb"}}
    PY: request = 2
}}
ELSE:
    C: ROUTE {"{}": "*"} [] {"db": "none"}
?: GOODBYE
`;

  it('variables set by one connection decide the branch of the next (ALLOW RESTART)', async () => {
    const { player, connect } = serve(routerScript);
    const a = connect();
    await a.handshake(4, 4);
    a.send([['HELLO', {}], ['ROUTE', {}, [], { db: 'adb' }], ['GOODBYE']]);
    await a.until(() => a.ended, 'the first connection to end');
    expect(a.received[1].fields[0]).toEqual({ rt: { db: 'adb' } });

    const b = connect();
    await b.handshake(4, 4);
    b.send([['HELLO', {}], ['ROUTE', {}, [], { db: 'bdb' }], ['GOODBYE']]);
    await b.until(() => b.ended, 'the second connection to end');
    expect(b.received[1].fields[0]).toEqual({ rt: { db: 'bdb' } });

    // the third connection meets request == 2: only the ELSE branch is open
    const c = connect();
    await c.handshake(4, 4);
    c.send([
      ['HELLO', {}],
      ['ROUTE', {}, [], { db: 'adb' }],
    ]);
    await c.until(() => c.ended, 'the mismatch');
    const f = await verdict(player);
    expect(f?.code).toBe('MISMATCH');
    expect(f?.expected).toContain('(line 20) C: ROUTE {"{}": "*"} [] {"db": "none"}');
    expect(player.completed).toBe(2);
  });

  it('decides a condition when the script reaches it, after the PY line before it', async () => {
    // modelled on testkit versions/scripts/foo.script
    const script = `!: BOLT 5.0
!: PY request = 0
A: HELLO {"{}": "*"}
C: RUN "q" {} {}
PY: request += 1
IF: request == 1
    S: <EXIT>
ELSE:
    S: SUCCESS {"fields": []}
`;
    const { player, connect } = serve(script);
    const c = connect();
    await c.handshake(5, 0);
    c.send([
      ['HELLO', {}],
      ['RUN', 'q', {}, {}],
    ]);
    await c.until(() => c.ended, 'the exit');
    expect(c.received.map((m) => m.name)).toEqual(['SUCCESS']); // HELLO only: then <EXIT>
    expect(await verdict(player)).toBeUndefined();
  });

  it('decides a condition behind a repeated block when the next message arrives', async () => {
    const script = `!: BOLT 5.0
!: PY flag = False
A: HELLO {"{}": "*"}
*: RESET
IF: flag
    C: RUN "yes" {} {}
ELSE:
    C: RUN "no" {} {}
S: SUCCESS {"fields": []}
?: GOODBYE
`;
    const { player, connect } = serve(script);
    const c = connect();
    await c.handshake(5, 0);
    c.send([['HELLO', {}], ['RESET'], ['RESET'], ['RUN', 'no', {}, {}], ['GOODBYE']]);
    await c.until(() => c.ended, 'the end');
    expect(c.received.map((m) => m.name)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
    ]);
    expect(await verdict(player)).toBeUndefined();
  });

  it('plays the conditions testkit writes with substituted text', async () => {
    // modelled on testkit authorization/verify_authentication/scripts/v5x1/router_error_route_warm.script
    const script = `!: BOLT 5.1
A: HELLO {"{}": "*"}
IF: '''"principal": "a"''' == '''#VERIFY_AUTH#'''
    A: LOGON {"{}": "*"}
ELSE:
    C: LOGON {"scheme": "basic", "principal": "b"}
    S: SUCCESS {"other": true}
?: GOODBYE
`;
    const run = async (verify: string) => {
      const { player, connect } = serve(script.replace('#VERIFY_AUTH#', verify));
      const c = connect();
      await c.handshake(5, 1);
      c.send([['HELLO', {}], ['LOGON', { scheme: 'basic', principal: 'b' }], ['GOODBYE']]);
      await c.until(() => c.ended, 'the end');
      return { failure: await verdict(player), logon: c.received[1] };
    };
    expect((await run('"principal": "a"')).logon.fields[0]).toEqual({}); // auto answer
    const other = await run('"principal": "b"');
    expect(other.failure).toBeUndefined();
    expect(other.logon.fields[0]).toEqual({ other: true });
  });

  it('fails the connection, naming the line, when a condition cannot be evaluated', async () => {
    const { player, connect } = serve(
      '!: BOLT 5.0\nA: HELLO {"{}": "*"}\nIF: missing == 1\n    S: <EXIT>\n',
    );
    const c = connect();
    await c.handshake(5, 0);
    c.send([['HELLO', {}]]);
    await c.until(() => c.ended, 'the failure');
    const f = await verdict(player);
    expect(f?.code).toBe('PYTHON');
    expect(f?.message).toContain("name 'missing' is not defined");
  });
});

describe('parallel blocks', () => {
  // the order between branches is free, the order inside each branch is kept
  const script = `!: BOLT 5.0
A: HELLO {"{}": "*"}
{{
    C: RUN "a1" {} {}
    S: SUCCESS {"b": "a1"}
    C: RUN "a2" {} {}
    S: SUCCESS {"b": "a2"}
++++
    C: RUN "b1" {} {}
    S: SUCCESS {"b": "b1"}
}}
C: GOODBYE
`;
  const run = (name: string) => ['RUN', name, {}, {}] as ['RUN', string, object, object];

  for (const order of [
    ['a1', 'a2', 'b1'],
    ['a1', 'b1', 'a2'],
    ['b1', 'a1', 'a2'],
  ]) {
    it(`accepts ${order.join(', ')}`, async () => {
      const { player, connect } = serve(script);
      const c = connect();
      await c.handshake(5, 0);
      c.send([['HELLO', {}], ...order.map(run), ['GOODBYE']]);
      await c.until(() => c.ended, 'the end');
      expect(c.received.slice(1).map((m) => (m.fields[0] as { b: string }).b)).toEqual(order);
      expect(await verdict(player)).toBeUndefined();
    });
  }

  it('keeps the order inside a branch', async () => {
    const { player, connect } = serve(script);
    const c = connect();
    await c.handshake(5, 0);
    c.send([['HELLO', {}], run('a2')]);
    await c.until(() => c.ended, 'the mismatch');
    const f = await verdict(player);
    expect(f?.code).toBe('MISMATCH');
    expect(f?.expected).toEqual(['(line 4) C: RUN "a1" {} {}', '(line 9) C: RUN "b1" {} {}']);
  });

  it('needs every branch played before what follows', async () => {
    const { player, connect } = serve(script);
    const c = connect();
    await c.handshake(5, 0);
    c.send([['HELLO', {}], run('a1'), run('a2'), ['GOODBYE']]);
    await c.until(() => c.ended, 'the mismatch');
    expect((await verdict(player))?.expected).toEqual(['(line 9) C: RUN "b1" {} {}']);
  });
});

describe('typed values in the other JOLT flavour', () => {
  it('sends and matches {"Tv2": ...} in its Bolt 5 form on a Bolt 4.4 script', async () => {
    // modelled on testkit types/scripts/v4x4/echo_zoned_date_time_patched.script
    const dt = '2022-06-07T11:52:05+02:00[Europe/Stockholm]';
    const script = `!: BOLT 4.4
A: HELLO {"{}": "*"}
C: RUN "q" {"dt": {"Tv2": "${dt}"}} {}
S: RECORD [{"Tv2": "${dt}"}, {"T": "${dt}"}]
C: GOODBYE
`;
    const { player, connect } = serve(script);
    const c = connect();
    await c.handshake(4, 4);
    // the UTC form: tag 0x69, seconds since the epoch in UTC, nanoseconds, zone id
    const utc = new Structure(0x69, [1654595525n, 0n, 'Europe/Stockholm']);
    c.send([['HELLO', {}], ['RUN', 'q', { dt: utc }, {}], ['GOODBYE']]);
    await c.until(() => c.ended, 'the end');
    const [v2, v1] = c.received[1].fields[0] as Structure[];
    expect([v2.tag, v2.fields]).toEqual([0x69, [1654595525n, 0n, 'Europe/Stockholm']]);
    // the legacy form: tag 0x66 and LOCAL seconds
    expect([v1.tag, v1.fields]).toEqual([0x66, [1654602725n, 0n, 'Europe/Stockholm']]);
    expect(await verdict(player)).toBeUndefined();
  });
});

describe('the handshake, read as a server of the script version reads it', () => {
  const answer = async (version: string, offer: [number, number, number]) => {
    const { connect } = serve(`!: BOLT ${version}\n?: GOODBYE\n`);
    const c = connect();
    await c.handshake(...offer);
    return [...(c.handshakeReply ?? [])];
  };

  it('Bolt 4.3+ expands ranges', async () => {
    expect(await answer('4.3', [4, 4, 2])).toEqual([0, 0, 3, 4]);
  });

  it('Bolt 4.0–4.2 ignore ranges', async () => {
    expect(await answer('4.2', [4, 4, 2])).toEqual([0, 0, 0, 0]);
    expect(await answer('4.2', [4, 2, 0])).toEqual([0, 0, 2, 4]);
  });

  it('Bolt 4.2 also accepts 4.1', async () => {
    expect(await answer('4.2', [4, 1, 0])).toEqual([0, 0, 1, 4]);
  });

  it('Bolt 1–3 read the major version only', async () => {
    expect(await answer('3', [3, 5, 0])).toEqual([0, 0, 0, 3]);
  });
});

describe('what the player logs, in testkit words', () => {
  it('logs accept, handshake, matched lines, a broken pipe and the hang-up', async () => {
    const lines: string[] = [];
    const { player, connect } = serve(
      '!: BOLT 4.4\nA: HELLO {"{}": "*"}\nC: RUN "q" {} {}\nS: SUCCESS {"fields": []}\n?: GOODBYE\n',
      2000,
      { log: (line) => lines.push(line) },
    );
    const c = connect();
    await c.handshake(4, 4);
    c.send([
      ['HELLO', {}],
      ['RUN', 'q', {}, {}],
    ]);
    await c.receive(2);
    c.transport.end();
    expect(await verdict(player)).toBeUndefined();
    expect(lines[0]).toMatch(/^S: <ACCEPT> /);
    expect(lines.slice(1)).toEqual([
      'C: <MAGIC> 60 60 B0 17',
      'C: <HANDSHAKE> 00 00 04 04 00 00 00 00 00 00 00 00 00 00 00 00',
      'S: <HANDSHAKE> 00 00 04 04',
      '(  2) C: HELLO {"{}": {}}',
      'AUTO response:',
      'S: SUCCESS {"{}": {"connection_id": "bolt-1", "server": "Neo4j/4.4.0", "routing": null}}',
      '(  3) C: RUN "q" {"{}": {}} {"{}": {}}',
      '(  4) S: SUCCESS {"fields": []}',
      'S: <BROKEN> the client closed the connection',
      'Script finished',
      'S: <HANGUP>',
    ]);
  });

  it('finishes, on skipToEnd(), the connections whose rest is optional', async () => {
    const { player, connect } = serve(
      '!: BOLT 4.4\n!: ALLOW CONCURRENT\nA: HELLO {"{}": "*"}\n*: RESET\n?: GOODBYE\n',
    );
    const c = connect();
    await c.handshake(4, 4);
    c.send([['HELLO', {}]]);
    await c.receive(1);
    await player.skipToEnd();
    await c.until(() => c.ended, 'the player to close the connection');
    expect(player.completed).toBe(1);
    expect(await verdict(player)).toBeUndefined();
  });
});
