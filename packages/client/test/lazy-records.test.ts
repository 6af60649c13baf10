// Records of scalars kept as bytes (`lazyRecords`, the default): the same values, keys,
// conversions and equality as records decoded when they arrive; checked on arrival like any
// other RECORD; copied out of the receive buffers.
import { inspect } from 'node:util';
import { Encoder, ScalarListReader } from '@bolt/packstream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  auth,
  Connection,
  type Driver,
  driver,
  Record,
  type ResponseObserver,
} from '../src/index.js';
import { RecordColumns } from '../src/record.js';
import { type Fixture, memoryServer } from './support/bolt-fixture.js';
import { autoHello, ok, record, ScriptedPeer } from './support/scripted-peer.js';

const enc = new Encoder();
const keys = ['i', 's', 'f', 'b', 'n', 'big'];
const values = [7, 'naïve', 1.5, true, null, 2n ** 60n];

/** A record kept as the encoded bytes of `vs`, placed at an offset of a bigger buffer. */
function packed(vs: unknown[], ks = keys, reader = new ScalarListReader()): Record {
  const list = enc.encode(vs);
  const bytes = new Uint8Array(list.length + 5);
  bytes.set(list, 5);
  const count = reader.scan(bytes, 5, bytes.length);
  expect(count).toBe(vs.length);
  return Record.packed(new RecordColumns(ks, undefined, reader), bytes, reader.first);
}

describe('a record kept as bytes', () => {
  it('gives every value by index and by name, in any order and again', () => {
    const r = packed(values);
    expect(r.length).toBe(6);
    expect(r.get(5)).toBe(2n ** 60n);
    expect(r.get(0)).toBe(7);
    expect(r.get('s')).toBe('naïve');
    expect(r.get(2)).toBe(1.5);
    expect(r.get(1)).toBe('naïve');
    expect(r.get('b')).toBe(true);
    expect(r.get('n')).toBeNull();
    expect(r.get(0)).toBe(7);
    expect(r.has('big')).toBe(true);
    expect(r.has(6)).toBe(false);
    expect(() => r.get(6)).toThrow(/no column 6; it has 6 column/);
    expect(() => r.get('zz')).toThrow(/no column "zz"/);
  });

  it('converts, iterates and compares as the same record decoded on arrival', () => {
    const lazy = packed(values);
    const eager = new Record(keys, [...values]);
    expect(lazy.toObject()).toEqual(eager.toObject());
    expect([...lazy]).toEqual([...eager]);
    expect([...lazy.values()]).toEqual(values);
    expect([...lazy.entries()]).toEqual([...eager.entries()]);
    const seen: unknown[] = [];
    lazy.forEach((v, k, rec) => {
      seen.push([k, v, rec === lazy]);
    });
    expect(seen).toEqual(keys.map((k, i) => [k, values[i], true]));
    expect(JSON.stringify(packed([1, 'a', 2.5], ['a', 'b', 'c']))).toBe('{"a":1,"b":"a","c":2.5}');
    expect(lazy).toEqual(eager);
    expect(packed([1, 'a'], ['x', 'y'])).not.toEqual(new Record(['x', 'y'], [1, 'b']));
    expect(inspect(lazy)).toBe(inspect(eager));
    expect(inspect(lazy)).toContain("'naïve'");
  });

  it('gives the right values when records of one result are read interleaved', () => {
    const reader = new ScalarListReader();
    const columns = new RecordColumns(['a', 'b', 'c'], undefined, reader);
    const at = (vs: unknown[]) => {
      const bytes = enc.encode(vs);
      expect(reader.scan(bytes, 0, bytes.length)).toBe(3);
      return Record.packed(columns, bytes, reader.first);
    };
    const r1 = at([1, 'one', 1.5]);
    const r2 = at([2, 'two', 2.5]);
    expect(r1.get(1)).toBe('one');
    expect(r2.get(1)).toBe('two');
    expect(r1.get(2)).toBe(1.5);
    expect(r2.get(0)).toBe(2);
    expect(r2.get(2)).toBe(2.5);
    expect(r1.get(0)).toBe(1);
  });

  it('builds `fields` once and keeps them', () => {
    const r = packed(values);
    const f = r.fields;
    expect(f).toEqual(values);
    expect(r.fields).toBe(f);
    f[0] = 'changed';
    expect(r.get(0)).toBe('changed');
    expect(r.toObject().i).toBe('changed');
  });

  it('reads integers as the reader was told (bigint mode)', () => {
    const r = packed([1, -2, 300], ['a', 'b', 'c'], new ScalarListReader({ integers: 'bigint' }));
    expect(r.fields).toEqual([1n, -2n, 300n]);
  });
});

// ---- the connection: which RECORDs are kept as bytes, and the checks they still get

/** An observer that takes RECORDs both ways and says which way each came. */
function observe() {
  const got: { how: 'bytes' | 'values'; values: unknown[] }[] = [];
  let resolve!: (error?: unknown) => void;
  const done = new Promise<unknown>((r) => {
    resolve = r;
  });
  const observer: ResponseObserver = {
    onRecord: (fields) => got.push({ how: 'values', values: fields }),
    onScalarRecord: (bytes, first, count, reader) => {
      const vs: unknown[] = [];
      let at = first;
      for (let i = 0; i < count; i++) {
        vs.push(reader.read(bytes, at));
        at = reader.end;
      }
      got.push({ how: 'bytes', values: vs });
    },
    onSuccess: () => resolve(),
    onFailure: (error) => resolve(error),
  };
  return { observer, got, done };
}

async function openOn(
  peer: ScriptedPeer,
  extra: Partial<Parameters<typeof Connection.open>[0]> = {},
) {
  autoHello(peer);
  return Connection.open({
    netModule: peer.module,
    host: 'h',
    port: 1,
    auth: auth.basic('u', 'p'),
    ...extra,
  });
}

describe('RECORDs on a connection', () => {
  it('rows of scalars come as bytes, other rows decoded, in order', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    const c = await openOn(peer);
    const o = observe();
    c.enqueue({ type: 'RUN', query: 'A', parameters: {}, extra: {} });
    c.pull(-1, undefined, o.observer);
    await peer.waitFor(4);
    peer.send(
      ok({ fields: ['x', 'y'] }),
      record(1, 'a'),
      record([1], { k: 2 }),
      record(null, 2.5),
      ok(),
    );
    expect(await o.done).toBeUndefined();
    expect(o.got).toEqual([
      { how: 'bytes', values: [1, 'a'] },
      { how: 'values', values: [[1], { k: 2 }] },
      { how: 'bytes', values: [null, 2.5] },
    ]);
    c.destroy();
  });

  it('the bytes given stay the same after the call (rows delivered a byte at a time)', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    const c = await openOn(peer);
    const kept: Record[] = [];
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    c.enqueue({ type: 'RUN', query: 'A', parameters: {}, extra: {} });
    c.pull(-1, undefined, {
      onScalarRecord: (bytes, first, count, reader) => {
        expect(count).toBe(2);
        kept.push(Record.packed(new RecordColumns(['x', 'y'], undefined, reader), bytes, first));
      },
      onSuccess: () => resolve(),
    });
    await peer.waitFor(4);
    const sent = Array.from({ length: 50 }, (_, i) => [i * 1000, `row ${i}`]);
    peer.trickle(peer.bytes(ok({ fields: ['x', 'y'] }), ...sent.map((r) => record(...r)), ok()));
    await done;
    expect(kept.map((r) => [...r])).toEqual(sent);
    c.destroy();
  });

  it('a row of scalars beyond the n PULL asked for is a protocol error', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    const c = await openOn(peer);
    const o = observe();
    c.enqueue({ type: 'RUN', query: 'A', parameters: {}, extra: {} });
    c.pull(1, undefined, o.observer);
    await peer.waitFor(4);
    peer.send(ok({ fields: ['x'] }), record(1), record(2), ok({ has_more: true }));
    const error = (await o.done) as Error;
    expect(error.message).toMatch(/more than the 1 record\(s\) PULL asked for/);
    expect(o.got).toEqual([{ how: 'bytes', values: [1] }]);
    expect(c.open).toBe(false);
  });

  it('a row of scalars answering anything but PULL is a protocol error', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    const c = await openOn(peer);
    const o = observe();
    c.enqueue({ type: 'RUN', query: 'A', parameters: {}, extra: {} }, o.observer);
    await peer.waitFor(3);
    peer.send(record(1));
    const error = (await o.done) as Error;
    expect(error.message).toMatch(/sent a RECORD as the answer to RUN/);
    expect(o.got).toEqual([]);
  });

  it('every RECORD is decoded with lazyRecords false, and when the wire is logged', async () => {
    for (const extra of [{ lazyRecords: false }, { logger: { debug: () => {} } }] as Partial<
      Parameters<typeof Connection.open>[0]
    >[]) {
      const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
      const c = await openOn(peer, extra);
      const o = observe();
      c.enqueue({ type: 'RUN', query: 'A', parameters: {}, extra: {} });
      c.pull(-1, undefined, o.observer);
      await peer.waitFor(4);
      peer.send(ok({ fields: ['x'] }), record(1), ok());
      await o.done;
      expect(o.got).toEqual([{ how: 'values', values: [1] }]);
      c.destroy();
    }
  });
});

// ---- the driver: held results

describe('a result over a scripted server', () => {
  it('keeps rows whose value count differs from the keys whole', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    peer.onRequest = (req, p) => {
      if (req.type === 'HELLO') p.send(ok({ server: 'Scripted/1.0', connection_id: 'c-1' }));
      if (req.type === 'LOGON') p.send(ok());
      if (req.type === 'RUN') p.send(ok({ fields: ['a', 'b'] }));
      if (req.type === 'PULL') p.send(record(1), record(1, 'x', 3), record(4, 'y'), ok());
    };
    const dr = driver('bolt://h:1', { netModule: peer.module });
    try {
      const { records } = await dr.session().run('Q');
      expect(records.map((r) => [r.length, [...r]])).toEqual([
        [1, [1]],
        [3, [1, 'x', 3]],
        [2, [4, 'y']],
      ]);
      expect(records[1].get(2)).toBe(3);
      expect(records[2].toObject()).toEqual({ a: 4, b: 'y' });
    } finally {
      await dr.close();
    }
  });
});

let fx: Fixture | undefined;
let d: Driver | undefined;
afterEach(async () => {
  await d?.close();
  await fx?.close();
  d = fx = undefined;
});

const rows = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => [
    i,
    `${tag}-${i}-${'é'.repeat(i % 3)}`,
    i / 4,
    i % 2 === 0,
    null,
  ]);

describe('held results', () => {
  it('keep their values while later results arrive on the same connection', async () => {
    fx = await memoryServer({
      run: (query) => ({ fields: ['i', 's', 'f', 'b', 'n'], records: rows(3000, query) }),
    });
    d = driver(fx.url, { netModule: fx.netModule, maxConnectionPoolSize: 1 });
    const held = [];
    for (const q of ['a', 'b', 'c']) held.push((await d.session().run(q)).records);
    for (const [k, q] of ['a', 'b', 'c'].entries()) {
      expect(held[k].map((r) => [...r])).toEqual(rows(3000, q));
      expect(held[k][2999].toObject()).toEqual({
        i: 2999,
        s: `${q}-2999-éé`,
        f: 749.75,
        b: false,
        n: null,
      });
    }
  });

  it('are the same records as with lazyRecords false, in both integer modes', async () => {
    const data = [
      [1, 'x', 2 ** 40, -(2 ** 53) + 1],
      [2, '', -0.5, 127],
    ];
    fx = await memoryServer({
      run: () => ({ fields: ['a', 'b', 'c', 'd'], records: data }),
    });
    for (const integers of ['auto', 'bigint'] as const) {
      const lazy = driver(fx.url, { netModule: fx.netModule, integers });
      const eager = driver(fx.url, { netModule: fx.netModule, integers, lazyRecords: false });
      const [a, b] = [
        (await lazy.session().run('Q')).records,
        (await eager.session().run('Q')).records,
      ];
      expect(a).toEqual(b);
      expect(a.map((r) => r.toObject())).toEqual(b.map((r) => r.toObject()));
      expect(a[0].get('a')).toBe(integers === 'bigint' ? 1n : 1);
      await lazy.close();
      await eager.close();
    }
  });
});
