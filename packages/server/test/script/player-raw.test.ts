/**
 * The script player driven byte by byte over an in-memory transport: each block construct,
 * server command, directive and verdict, with exactly the messages a client sends.
 */
import { float } from '@bolt/packstream';
import { encodeClientHandshake } from '@bolt/parser';
import { describe, expect, it } from 'vitest';
import { serve, verdict } from './support.js';

const HEAD = '!: BOLT 4.4\nA: HELLO {"{}": "*"}\n';

describe('script player, raw', () => {
  it('negotiates the script version and answers HELLO automatically', async () => {
    const { player, connect } = serve(`${HEAD}C: GOODBYE\n`);
    const c = connect();
    await c.handshake(4, 4);
    expect([...(c.handshakeReply ?? [])]).toEqual([0, 0, 4, 4]);
    c.send([['HELLO', { user_agent: 'raw' }], ['GOODBYE']]);
    await c.until(() => c.ended, 'the end of the script');
    expect(c.received[0].name).toBe('SUCCESS');
    // what testkit's stub answers: a connection id, the agent of the version, routing null
    expect(c.received[0].fields[0]).toEqual({
      connection_id: 'bolt-1',
      server: 'Neo4j/4.4.0',
      routing: null,
    });
    expect(await verdict(player)).toBeUndefined();
    expect(player.completed).toBe(1);
  });

  it('answers 00 00 00 00 and fails when no version is common', async () => {
    const { player, connect } = serve(`${HEAD}?: GOODBYE\n`);
    const c = connect();
    await c.handshake(5, 0);
    expect([...(c.handshakeReply ?? [])]).toEqual([0, 0, 0, 0]);
    const f = await verdict(player);
    expect(f?.code).toBe('HANDSHAKE');
  });

  it('sends scripted handshake bytes verbatim (!: HANDSHAKE)', async () => {
    const { connect } = serve('!: BOLT 4.4\n!: HANDSHAKE FF 00 00 01\n?: GOODBYE\n');
    const c = connect();
    await c.handshake(4, 4);
    expect([...(c.handshakeReply ?? [])]).toEqual([0xff, 0, 0, 1]);
  });

  it('takes messages split into single bytes', async () => {
    const { player, connect } = serve(
      `${HEAD}C: RUN "RETURN 1" {} {}\nS: SUCCESS {"fields": []}\nC: GOODBYE\n`,
    );
    const c = connect();
    await c.handshake(4, 4);
    c.send([['HELLO', {}], ['RUN', 'RETURN 1', {}, {}], ['GOODBYE']], true);
    await c.until(() => c.ended, 'the end');
    expect(await verdict(player)).toBeUndefined();
  });

  it('tells integers from floats', async () => {
    const { player, connect } = serve(`${HEAD}C: RUN "q" {"x": 1} {}\nS: SUCCESS {}\n`);
    const c = connect();
    await c.handshake(4, 4);
    c.send([
      ['HELLO', {}],
      ['RUN', 'q', { x: float(1) }, {}],
    ]);
    await c.until(() => c.ended, 'the close');
    const f = await verdict(player);
    expect(f?.code).toBe('MISMATCH');
    // in testkit's notation: maps as {"{}": ...}, floats as {"R": ...}
    expect(f?.received).toBe('RUN "q" {"{}": {"x": {"R": "1.0"}}} {"{}": {}}');
    expect(f?.expected).toEqual(['(line 3) C: RUN "q" {"x": 1} {}']);
  });

  it('plays a repeat block as often as the client asks, and the rest after it', async () => {
    const { player, connect } = serve(
      `${HEAD}{+\n  C: RESET\n  S: SUCCESS {"n": 1}\n+}\nC: GOODBYE\n`,
    );
    const c = connect();
    await c.handshake(4, 4);
    c.send([['HELLO', {}], ['RESET'], ['RESET'], ['RESET'], ['GOODBYE']]);
    await c.until(() => c.ended, 'the end');
    expect(c.received.map((m) => m.name)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(await verdict(player)).toBeUndefined();
  });

  it('requires one pass of {+ +}', async () => {
    const { player, connect } = serve(`${HEAD}{+\n  C: RESET\n  S: SUCCESS {}\n+}\nC: GOODBYE\n`);
    const c = connect();
    await c.handshake(4, 4);
    c.send([['HELLO', {}], ['GOODBYE']]);
    await c.until(() => c.ended, 'the close');
    const f = await verdict(player);
    expect(f?.code).toBe('MISMATCH');
    expect(f?.expected).toEqual(['(line 4) C: RESET']);
  });

  it('does not loop on a repeat whose body may be empty', async () => {
    const { player, connect } = serve(`${HEAD}{*\n  {?\n    C: RESET\n  ?}\n*}\nC: GOODBYE\n`);
    const c = connect();
    await c.handshake(4, 4);
    c.send([
      ['HELLO', {}],
      ['RUN', 'x', {}, {}],
    ]);
    await c.until(() => c.ended, 'the close');
    const f = await verdict(player);
    expect(f?.code).toBe('MISMATCH');
    expect(f?.expected).toEqual(['(line 5) C: RESET', '(line 8) C: GOODBYE']);
  });

  it('picks the first matching alternative and plays its server lines', async () => {
    const script = `${HEAD}{{\n  C: RUN "a" {} {}\n  S: SUCCESS {"pick": "a"}\n----\n  C: RUN "*" {} {}\n  S: SUCCESS {"pick": "any"}\n}}\n?: GOODBYE\n`;
    const { connect } = serve(script);
    const c = connect();
    await c.handshake(4, 4);
    c.send([
      ['HELLO', {}],
      ['RUN', 'b', {}, {}],
    ]);
    await c.receive(2);
    expect(c.received[1].fields[0]).toEqual({ pick: 'any' });
  });

  it('sends NOOP and RAW bytes exactly', async () => {
    const { connect } = serve(
      `${HEAD}C: RESET\nS: <NOOP>\n   <RAW> 00 02 B0 7E 00 00\n?: GOODBYE\n`,
    );
    const c = connect();
    await c.handshake(4, 4);
    c.send([['HELLO', {}], ['RESET']]);
    await c.receive(3);
    expect(c.received.map((m) => m.name)).toEqual(['SUCCESS', '<NOOP>', 'IGNORED']);
    expect(c.bytes.slice(-8)).toEqual([0, 0, 0, 2, 0xb0, 0x7e, 0, 0]);
  });

  it('answers !: AUTO messages wherever they arrive', async () => {
    const { player, connect } = serve(
      '!: BOLT 4.4\n!: AUTO RESET\nA: HELLO {"{}": "*"}\nC: GOODBYE\n',
    );
    const c = connect();
    await c.handshake(4, 4);
    c.send([['RESET'], ['HELLO', {}], ['RESET'], ['GOODBYE']]);
    await c.until(() => c.ended, 'the end');
    expect(c.received.map((m) => m.name)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(await verdict(player)).toBeUndefined();
  });

  it('fails <ASSERT ORDER> when the client pipelines', async () => {
    const { player, connect } = serve(
      `${HEAD}C: RESET\nS: <ASSERT ORDER> 0.2\n   SUCCESS {}\nC: GOODBYE\n`,
    );
    const c = connect();
    await c.handshake(4, 4);
    c.send([['HELLO', {}], ['RESET'], ['GOODBYE']]);
    const f = await verdict(player);
    expect(f?.code).toBe('ORDER');
    expect(f?.received).toBe('GOODBYE');
  });

  it('passes <ASSERT ORDER> when the client waits', async () => {
    const { player, connect } = serve(
      `${HEAD}C: RESET\nS: <ASSERT ORDER> 0.05\n   SUCCESS {}\nC: GOODBYE\n`,
    );
    const c = connect();
    await c.handshake(4, 4);
    c.send([['HELLO', {}], ['RESET']]);
    await c.receive(2);
    c.send([['GOODBYE']]);
    await c.until(() => c.ended, 'the end');
    expect(await verdict(player)).toBeUndefined();
  });

  it('judges a hang-up: fine when the rest is optional, INCOMPLETE otherwise', async () => {
    const optional = serve(`${HEAD}*: RESET\n?: GOODBYE\n`);
    const a = optional.connect();
    await a.handshake(4, 4);
    a.send([['HELLO', {}]]);
    await a.receive(1);
    a.transport.end();
    expect(await verdict(optional.player)).toBeUndefined();

    const required = serve(`${HEAD}C: RUN "x" {} {}\nS: SUCCESS {}\n`);
    const b = required.connect();
    await b.handshake(4, 4);
    b.send([['HELLO', {}]]);
    await b.receive(1);
    b.transport.end();
    const f = await verdict(required.player);
    expect(f?.code).toBe('INCOMPLETE');
    expect(f?.expected).toEqual(['(line 3) C: RUN "x" {} {}']);
  });

  it('fails a silent client after idleTimeoutMs', async () => {
    const { player, connect } = serve(`${HEAD}C: GOODBYE\n`, 100);
    const c = connect();
    await c.handshake(4, 4);
    await c.until(() => c.ended, 'the player to give up');
    const f = await verdict(player);
    expect(f?.code).toBe('TIMEOUT');
    expect(f?.expected).toEqual(['(line 2) A: HELLO {"{}": "*"}']);
  });

  it('fails on bytes that are not a message', async () => {
    const { player, connect } = serve(`${HEAD}?: GOODBYE\n`);
    const c = connect();
    await c.handshake(4, 4);
    c.transport.write(Uint8Array.of(0, 2, 0xb0, 0x55, 0, 0)); // tag 0x55 is no request
    const f = await verdict(player);
    expect(f?.code).toBe('BAD_MESSAGE');
    expect(f?.message).toContain('0x55');
  });

  it('serves one connection unless restarts are allowed; the others are never served', async () => {
    const once = serve(`${HEAD}C: GOODBYE\n`);
    const a = once.connect();
    const b = once.connect(); // waits, as in testkit's single-threaded stub
    await a.handshake(4, 4);
    b.transport.write(encodeClientHandshake([{ major: 4, minor: 4 }]));
    a.send([['HELLO', {}], ['GOODBYE']]);
    await once.player.ended; // the script was played once: the player is over
    await b.until(() => b.ended, 'the unserved connection to be closed');
    expect(b.handshakeReply).toBeUndefined();
    expect(await verdict(once.player)).toBeUndefined();
    expect(once.player.connections).toBe(1);
  });

  it('replays the script for each connection with !: ALLOW RESTART, one at a time', async () => {
    const { player, connect } = serve(
      `!: BOLT 4.4\n!: ALLOW RESTART\nA: HELLO {"{}": "*"}\nC: GOODBYE\n`,
    );
    const a = connect();
    const b = connect(); // waits until a is done
    await a.handshake(4, 4);
    b.transport.write(encodeClientHandshake([{ major: 4, minor: 4 }]));
    a.send([['HELLO', {}]]);
    await a.receive(1);
    expect(b.handshakeReply).toBeUndefined();
    a.send([['GOODBYE']]);
    await b.until(() => b.handshakeReply !== undefined, 'the second handshake');
    b.send([['HELLO', {}], ['GOODBYE']]);
    await b.until(() => b.ended, 'the end');
    expect(await verdict(player)).toBeUndefined();
    expect(player.completed).toBe(2);
  });

  it('plays connections side by side with !: ALLOW CONCURRENT', async () => {
    const { player, connect } = serve(
      `!: BOLT 4.4\n!: ALLOW CONCURRENT\nA: HELLO {"{}": "*"}\nC: GOODBYE\n`,
    );
    const a = connect();
    const b = connect();
    await Promise.all([a.handshake(4, 4), b.handshake(4, 4)]);
    a.send([['HELLO', {}]]);
    b.send([['HELLO', {}], ['GOODBYE']]);
    await b.until(() => b.ended, 'b to finish');
    a.send([['GOODBYE']]);
    await a.until(() => a.ended, 'a to finish');
    expect(await verdict(player)).toBeUndefined();
    expect(player.completed).toBe(2);
  });

  it('<EXIT> ends the connection as a pass', async () => {
    const { player, connect } = serve(`${HEAD}C: RESET\nS: <EXIT>\n`);
    const c = connect();
    await c.handshake(4, 4);
    c.send([['HELLO', {}], ['RESET']]);
    await c.until(() => c.ended, 'the exit');
    expect(c.received.map((m) => m.name)).toEqual(['SUCCESS']);
    expect(await verdict(player)).toBeUndefined();
  });

  it('delays the handshake answer with !: HANDSHAKE_DELAY', async () => {
    const { player, connect } = serve(
      `!: BOLT 4.4\n!: HANDSHAKE_DELAY 0.05\nA: HELLO {"{}": "*"}\nC: GOODBYE\n`,
    );
    const c = connect();
    c.transport.write(encodeClientHandshake([{ major: 4, minor: 4 }]));
    expect(c.handshakeReply).toBeUndefined();
    await c.until(() => c.handshakeReply !== undefined, 'the delayed reply');
    expect([...(c.handshakeReply ?? [])]).toEqual([0, 0, 4, 4]);
    c.send([['HELLO', {}], ['GOODBYE']]);
    await c.until(() => c.ended, 'the end');
    expect(await verdict(player)).toBeUndefined();
  });

  it('negotiates through a manifest when the script says !: MANIFEST', async () => {
    const { player, connect } = serve(
      '!: BOLT 5.8\n!: MANIFEST\nA: HELLO {"{}": "*"}\nC: GOODBYE\n',
    );
    // the offer: 00 00 01 FF, one entry (varint 01), 00 00 08 05, no capabilities (varint 00)
    const c = connect(10);
    c.transport.write(encodeClientHandshake([{ manifest: 1 }]));
    await c.until(() => c.handshakeReply !== undefined, 'the manifest offer');
    expect([...(c.handshakeReply ?? [])]).toEqual([0, 0, 1, 0xff, 1, 0, 0, 8, 5, 0]);
    c.transport.write(Uint8Array.of(0, 0, 8, 5, 0));
    c.send([['HELLO', {}], ['GOODBYE']]);
    await c.until(() => c.ended, 'the end');
    expect(c.received.map((m) => m.name)).toEqual(['SUCCESS']);
    expect(await verdict(player)).toBeUndefined();
  });

  it('reports NO_CONNECTION when nobody came', async () => {
    const { player } = serve(`${HEAD}?: GOODBYE\n`);
    expect((await verdict(player))?.code).toBe('NO_CONNECTION');
  });
});
