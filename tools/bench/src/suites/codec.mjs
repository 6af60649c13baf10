// Codec suite: @bolt/packstream (+ @bolt/chunking) vs the official neo4j-driver packstream and vs
// msgpackr on the closest equivalent shape. Same data for all; encode and decode; median of runs.
// Every workload that holds strings is also measured against the string FLOOR: only its strings,
// turned from their UTF-8 bytes into strings (decode) or back (encode) by the platform's fastest
// primitive, one call per string (see stringFloor()).
// Usage: pnpm bench codec   (builds the packages first; the suite imports the BUILT dist)
import { createRequire } from 'node:module';
import { ChunkWriter, Dechunker } from '@bolt/chunking';
import { ByteWriter, Decoder, Encoder, Node } from '@bolt/packstream';
import { Packr, Unpackr } from 'msgpackr';
import { compare } from '../harness.mjs';

const SUITE = 'codec';
const req = createRequire(createRequire(import.meta.url).resolve('neo4j-driver'));
const neo4j = req('neo4j-driver');
const ChannelBuffer = req('neo4j-driver-bolt-connection/lib/channel/channel-buf.js').default;
const OfficialStructure = req('neo4j-driver-bolt-connection/lib/packstream/structure.js').Structure;
const OfficialDechunker = req('neo4j-driver-bolt-connection/lib/channel/chunking.js').Dechunker;
const BoltProtocolV5x8 = req('neo4j-driver-bolt-connection/lib/bolt/bolt-protocol-v5x8.js').default;

/**
 * Units per CPU-second of this process (user + system, GC threads included), measured over at
 * least `minMs` of wall time. On a shared machine, wall-clock throughput swings with other load;
 * CPU time is what each codec actually spends, and both sides are measured the same way.
 */
async function cpuThroughput(fn, minMs) {
  let units = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  do units += fn();
  while (performance.now() - t0 < minMs);
  const cu = process.cpuUsage(c0);
  return units / ((cu.user + cu.system) / 1e6);
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 300);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 300);

// ------------------------------------------------------------------------------------------
// peers

/** The official driver's packer/unpacker with its Bolt 5.8 struct transformers (driver defaults:
 *  lossless Integer objects on decode). */
function official() {
  const silent = { warn() {}, isDebugEnabled: () => false, isWarnEnabled: () => false };
  const p = new BoltProtocolV5x8(
    {},
    null,
    { disableLosslessIntegers: false, useBigInt: false },
    undefined,
    silent,
  );
  return {
    /** Pack values one after another into one preallocated buffer (its best case). */
    packAll(values, capacity) {
      const buf = new ChannelBuffer(capacity);
      return () => {
        p._packer._ch = buf;
        buf.position = 0;
        for (let i = 0; i < values.length; i++) p.packable(values[i])();
        return buf.position;
      };
    },
    unpack(nodeBuffer) {
      return p.unpack(new ChannelBuffer(nodeBuffer));
    },
    /** Unpack from one of its own buffers (e.g. what its Dechunker hands out). */
    unpackBuffer(buf) {
      return p.unpack(buf);
    },
  };
}

// ------------------------------------------------------------------------------------------
// the string floor

/** Every string a PackStream value carries (map keys included), in wire order. */
function stringsOf(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value instanceof Node) {
    stringsOf(value.labels, out);
    stringsOf(value.properties, out);
    out.push(value.elementId);
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsOf(v, out);
    }
  return out;
}

/** The string values of a value (map keys left out), in wire order. */
function stringValuesOf(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringValuesOf(v, out);
  else if (value instanceof Node) {
    stringValuesOf(value.labels, out);
    stringValuesOf(value.properties, out);
    out.push(value.elementId);
  } else if (value !== null && typeof value === 'object')
    for (const v of Object.values(value)) stringValuesOf(v, out);
  return out;
}

/** The same value with every string value emptied (map keys kept: they name the entries). */
function blank(value) {
  if (typeof value === 'string') return '';
  if (Array.isArray(value)) return value.map(blank);
  if (value instanceof Node)
    return new Node(value.identity, value.labels.map(blank), blank(value.properties), '');
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = blank(v);
    return out;
  }
  return value;
}

/**
 * The floor of a workload's string work: its strings alone, through the platform's primitives
 * with nothing else to do (no markers, no values around them, offsets known in advance). Decode:
 * `TextDecoder#decode`, Node's `Buffer#utf8Slice`, or `latin1Slice` for the ASCII strings and
 * `utf8Slice` for the others. Encode: `TextEncoder#encodeInto`, `Buffer#utf8Write`, or
 * `latin1Write`/`utf8Write` the same way. Each variant is timed briefly and the fastest is
 * the floor (its name is the row's peer). Returns [op, name, fn] with fn returning `units`.
 */
async function stringFloor(strings, units) {
  const te = new TextEncoder();
  const td = new TextDecoder();
  const parts = strings.map((s) => te.encode(s));
  const total = parts.reduce((n, b) => n + b.length, 0);
  const bytes = Buffer.alloc(total);
  const offsets = new Int32Array(parts.length + 1);
  let p = 0;
  parts.forEach((b, i) => {
    offsets[i] = p;
    bytes.set(b, p);
    p += b.length;
  });
  offsets[parts.length] = p;
  const ascii = Uint8Array.from(strings, (s, i) => (parts[i].length === s.length ? 1 : 0));
  const out = Buffer.alloc(total + 64);
  const n = strings.length;
  const decoders = [
    [
      'TextDecoder',
      () => {
        for (let i = 0; i < n; i++) td.decode(bytes.subarray(offsets[i], offsets[i + 1]));
        return units;
      },
    ],
    [
      'Buffer#utf8Slice',
      () => {
        for (let i = 0; i < n; i++) bytes.utf8Slice(offsets[i], offsets[i + 1]);
        return units;
      },
    ],
    [
      'Buffer#latin1Slice/utf8Slice',
      () => {
        for (let i = 0; i < n; i++)
          if (ascii[i] === 1) bytes.latin1Slice(offsets[i], offsets[i + 1]);
          else bytes.utf8Slice(offsets[i], offsets[i + 1]);
        return units;
      },
    ],
  ];
  const encoders = [
    [
      'TextEncoder#encodeInto',
      () => {
        let q = 0;
        for (let i = 0; i < n; i++) q += te.encodeInto(strings[i], out.subarray(q)).written;
        return units;
      },
    ],
    [
      'Buffer#utf8Write',
      () => {
        let q = 0;
        for (let i = 0; i < n; i++) q += out.utf8Write(strings[i], q);
        return units;
      },
    ],
    [
      'Buffer#latin1Write/utf8Write',
      () => {
        let q = 0;
        for (let i = 0; i < n; i++)
          q += ascii[i] === 1 ? out.latin1Write(strings[i], q) : out.utf8Write(strings[i], q);
        return units;
      },
    ],
  ];
  const fastest = async (variants) => {
    let best;
    for (const [name, fn] of variants) {
      await cpuThroughput(fn, 100);
      const rate = await cpuThroughput(fn, 200);
      if (!best || rate > best.rate) best = { name, fn, rate };
    }
    return best;
  };
  const d = await fastest(decoders);
  const e = await fastest(encoders);
  return [
    ['encode', e.name, e.fn],
    ['decode', d.name, d.fn],
  ];
}

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false });

// ------------------------------------------------------------------------------------------
// data (deterministic)

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';
const MULTI = 'héllo wörld ✓ 日本語テキスト 😀 ñandú ĉu Ελληνικά ';

function text(r, n, alphabet) {
  const chars = Array.from(alphabet);
  let s = '';
  while (s.length < n) s += chars[Math.floor(r() * chars.length)];
  return s;
}

// Each workload is built only when measured and dropped afterwards, so one workload's data
// (millions of objects) does not inflate GC work for the next.
function workloads() {
  const r = rng(42);
  const strings = (alphabet) => {
    const out = [];
    let bytes = 0;
    const enc = new TextEncoder();
    while (bytes < 1024 * 1024) {
      const s = text(r, 8 + Math.floor(r() * 120), alphabet);
      out.push(s);
      bytes += enc.encode(s).length;
    }
    return out;
  };
  return [
    {
      name: '100k records [int,str20,float,bool,null]',
      unit: 'records/s',
      perItem: true,
      strings: true,
      build() {
        const ours = [];
        const theirs = [];
        for (let i = 0; i < 100_000; i++) {
          const n = Math.floor(r() * 1_000_000);
          const s = text(r, 20, ASCII);
          const f = r() * 1000 + 0.5;
          const b = r() < 0.5;
          ours.push([n, s, f, b, null]);
          theirs.push([neo4j.int(n), s, f, b, null]);
        }
        return { ours, theirs, plain: ours };
      },
    },
    {
      name: '100k records [Node{id,2 labels,5 props}]',
      unit: 'records/s',
      perItem: true,
      strings: true,
      build() {
        const ours = [];
        const theirs = [];
        const plain = [];
        for (let i = 0; i < 100_000; i++) {
          const props = {
            name: text(r, 12, ASCII),
            age: Math.floor(r() * 100),
            score: r() * 10,
            active: r() < 0.5,
            city: text(r, 8, ASCII),
          };
          const eid = `4:9f3c1a2e-5b7d-4e8f-a1b2-c3d4e5f60718:${i}`;
          ours.push([new Node(i, ['Person', 'Employee'], props, eid)]);
          // the official packer refuses Node values; the same bytes come from a raw Structure
          theirs.push([
            new OfficialStructure(0x4e, [
              neo4j.int(i),
              ['Person', 'Employee'],
              { ...props, age: neo4j.int(props.age) },
              eid,
            ]),
          ]);
          plain.push([
            { identity: i, labels: ['Person', 'Employee'], properties: props, elementId: eid },
          ]);
        }
        return { ours, theirs, plain };
      },
    },
    {
      name: '10 MB list of ints',
      unit: 'MB/s',
      build() {
        const ints = [];
        for (let i = 0; i < 2_000_000; i++) {
          const x = r();
          ints.push(
            x < 0.2
              ? Math.floor(r() * 128)
              : x < 0.4
                ? Math.floor(r() * 30000)
                : Math.floor(r() * 2 ** 31),
          );
        }
        return { ours: [ints], theirs: [ints.map((n) => neo4j.int(n))], plain: [ints] };
      },
    },
    {
      name: '10k-entry map of strings',
      unit: 'MB/s',
      strings: true,
      build() {
        const map = {};
        for (let i = 0; i < 10_000; i++)
          map[`key${String(i).padStart(5, '0')}`] = text(r, 20, ASCII);
        return { ours: [map], theirs: [map], plain: [map] };
      },
    },
    {
      name: '1 MB ASCII strings',
      unit: 'MB/s',
      strings: true,
      build() {
        const v = [strings(ASCII)];
        return { ours: v, theirs: v, plain: v };
      },
    },
    {
      name: '1 MB multibyte strings',
      unit: 'MB/s',
      strings: true,
      build() {
        const v = [strings(MULTI)];
        return { ours: v, theirs: v, plain: v };
      },
    },
  ];
}

// ------------------------------------------------------------------------------------------

export async function run() {
  const rows = [];
  const enc = new Encoder();
  const dec = new Decoder();
  const off = official();
  const cmp = (o) =>
    compare({
      suite: SUITE,
      runs: RUNS,
      minMs: MIN_MS,
      warmupMs: WARMUP_MS,
      measureWith: (fn) => cpuThroughput(fn, o.minMs ?? MIN_MS),
      ...o,
    }).then((row) => {
      rows.push(row);
      console.error(`${row.workload} | ${row.op} vs ${row.peer}: ${row.ratio.toFixed(2)}x`);
      return row;
    });

  const only = process.env.BENCH_ONLY; // substring filter on workload names
  for (const w of workloads()) {
    if (only && !w.name.includes(only)) continue;
    const data = w.build();
    globalThis.gc?.();
    const theirsValues = data.theirs;
    const plainValues = data.plain;
    w.ours = data.ours;
    // encoded forms (ours == official bytes; checked below)
    const ourMessages = w.ours.map((v) => enc.encode(v));
    const totalBytes = ourMessages.reduce((n, b) => n + b.length, 0);
    const mb = totalBytes / 1e6;
    const units = w.perItem ? w.ours.length : mb;
    const capacity = totalBytes + 1024;

    const theirPack = off.packAll(theirsValues, capacity * 2);
    theirPack();
    const ourWriter = new ByteWriter(capacity);
    const ourPack = () => {
      ourWriter.reset();
      for (let i = 0; i < w.ours.length; i++) enc.encodeInto(ourWriter, w.ours[i]);
      return ourWriter.length;
    };
    ourPack();
    // sanity: the official packer produces the same bytes for the first values
    {
      const n = Math.min(50, theirsValues.length);
      const probe = off.packAll(theirsValues.slice(0, n), capacity * 2)();
      const ours = ourMessages.slice(0, n).reduce((k, m) => k + m.length, 0);
      if (probe !== ours)
        throw new Error(`${w.name}: official packer wrote ${probe} bytes, ours ${ours}`);
    }

    const encOurs = () => {
      ourPack();
      return units;
    };
    const encTheirs = () => {
      theirPack();
      return units;
    };
    const encMsgpackr = () => {
      for (let i = 0; i < plainValues.length; i++) packr.pack(plainValues[i]);
      return units;
    };

    const buffers = ourMessages.map((b) => Buffer.from(b.buffer, b.byteOffset, b.length));
    const msgpacked = plainValues.map((v) => packr.pack(v));
    const decOurs = () => {
      for (let i = 0; i < ourMessages.length; i++) dec.decode(ourMessages[i]);
      return units;
    };
    const decTheirs = () => {
      for (let i = 0; i < buffers.length; i++) off.unpack(buffers[i]);
      return units;
    };
    const decMsgpackr = () => {
      for (let i = 0; i < msgpacked.length; i++) unpackr.unpack(msgpacked[i]);
      return units;
    };

    const floors = w.strings
      ? await stringFloor(
          w.ours.flatMap((v) => stringsOf(v)),
          units,
        )
      : [];
    // Like with like: the floor above leaves out everything but the strings (numbers, markers,
    // the arrays, objects and Nodes built), so a workload with other values can never reach it.
    // The composite floor is that other work as our codec does it (the same values with every
    // string value emptied) plus those string values through the fastest primitive: what the
    // workload would cost if our string handling were the platform's.
    if (w.strings) {
      const blanked = w.ours.map(blank);
      const blankMessages = blanked.map((v) => enc.encode(v));
      const blankWriter = new ByteWriter(capacity);
      const values = await stringFloor(
        w.ours.flatMap((v) => stringValuesOf(v)),
        units,
      );
      for (const [op, name, floor] of values) {
        const rest =
          op === 'encode'
            ? () => {
                blankWriter.reset();
                for (let i = 0; i < blanked.length; i++) enc.encodeInto(blankWriter, blanked[i]);
              }
            : () => {
                for (let i = 0; i < blankMessages.length; i++) dec.decode(blankMessages[i]);
              };
        floors.push([
          op,
          `ours with string values emptied + ${name}`,
          () => {
            rest();
            return floor();
          },
        ]);
      }
    }
    for (const [op, ours, theirs, mp] of [
      ['encode', encOurs, encTheirs, encMsgpackr],
      ['decode', decOurs, decTheirs, decMsgpackr],
    ]) {
      await cmp({ workload: w.name, op, unit: w.unit, ours, theirs, peer: 'neo4j-driver' });
      await cmp({ workload: w.name, op, unit: w.unit, ours, theirs: mp, peer: 'msgpackr' });
      for (const [fop, name, floor] of floors) {
        if (fop !== op) continue;
        await cmp({
          workload: w.name,
          op,
          unit: w.unit,
          ours,
          theirs: floor,
          peer: `floor: ${name}`,
        });
      }
    }
  }

  if (only && !'chunks'.includes(only)) return rows;
  // ---------------------------------------------------------------------------------------
  // chunking: a 10 MB message (list of ints) dechunked from 1,400-byte chunks (fed in 64 KiB
  // reads) and decoded, vs the same body decoded in one piece with no framing at all.
  const r = rng(7);
  const big = [];
  for (let i = 0; i < 2_000_000; i++) big.push(Math.floor(r() * 2 ** 31));
  const body = enc.encode(big);
  const frame = (max) => {
    const w = new ChunkWriter({ maxChunkSize: max });
    w.writeMessage(body);
    return w.flush();
  };
  const stream1400 = frame(1400);
  const reads = [];
  for (let i = 0; i < stream1400.length; i += 65536) reads.push(stream1400.subarray(i, i + 65536));
  const bodyMB = body.length / 1e6;
  const dechunker = new Dechunker({
    onMessage: (m) => dec.decode(m),
    maxMessageSize: 64 * 1024 * 1024,
  });
  await cmp({
    workload: '10 MB message via 1,400-byte chunks (dechunk+decode)',
    op: 'decode',
    unit: 'MB/s',
    peer: 'ours, one piece',
    ours: () => {
      for (const p of reads) dechunker.push(p);
      return bodyMB;
    },
    theirs: () => {
      dec.decode(body);
      return bodyMB;
    },
  });

  // The official Dechunker + unpacker on the same 1,400-byte framing, at 2 MB (at 10 MB it takes
  // minutes: its reassembled message is a CombinedBuffer whose reads are not O(1)).
  const small = enc.encode(big.slice(0, 400_000));
  const w2 = new ChunkWriter({ maxChunkSize: 1400 });
  w2.writeMessage(small);
  const small1400 = w2.flush();
  const smallReads = [];
  for (let i = 0; i < small1400.length; i += 65536)
    smallReads.push(small1400.subarray(i, i + 65536));
  const smallNodeReads = smallReads.map((u) => Buffer.from(u.buffer, u.byteOffset, u.length));
  const smallMB = small.length / 1e6;
  const ourSmall = new Dechunker({ onMessage: (m) => dec.decode(m) });
  await cmp({
    workload: '2 MB message via 1,400-byte chunks (dechunk+decode)',
    op: 'decode',
    unit: 'MB/s',
    peer: 'neo4j-driver',
    runs: 3,
    minMs: 1,
    warmupMs: 1,
    ours: () => {
      for (const p of smallReads) ourSmall.push(p);
      return smallMB;
    },
    theirs: () => {
      const d = new OfficialDechunker();
      d.onmessage = (buf) => off.unpackBuffer(buf);
      for (const p of smallNodeReads) d.write(new ChannelBuffer(p));
      return smallMB;
    },
  });
  return rows;
}
