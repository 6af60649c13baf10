import { ChunkingError } from '@bolt/chunking';
import { PackStreamError } from '@bolt/packstream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BoltFeedParser,
  ClientHandshake,
  fromHex,
  MessageCodec,
  ProtocolError,
  type Request,
  ServerHandshake,
  SUPPORTED_VERSIONS,
} from '../src/internal.js';
import vectors from './fixtures/vectors.json';
import { unframe } from './support.js';

// Hostile input ends in one of our three typed errors, or in a result: never another error
// type, never a hang (every run is synchronous and bounded), never unbounded buffering.

function typedOnly(fn: () => unknown): 'ok' | 'typed' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (ProtocolError.isInstance(e) || PackStreamError.isInstance(e) || ChunkingError.isInstance(e))
      return 'typed';
    throw e;
  }
}

const version = fc.constantFrom(...SUPPORTED_VERSIONS);
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const splits = (data: Uint8Array) =>
  fc
    .array(fc.nat({ max: Math.max(0, data.length) }), { maxLength: 8 })
    .map((cuts) => [0, ...cuts.sort((a, b) => a - b), data.length]);

function pieces(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 1; i < cuts.length; i++) out.push(data.subarray(cuts[i - 1], cuts[i]));
  return out;
}

const bodies = vectors.messages.map((m) => ({ side: m.side, body: unframe(m.wire)[0] }));
const RUNS = 400;

describe('handshakes under random bytes', () => {
  it('ClientHandshake: a result, a ProtocolError, or waiting with a bounded buffer', () => {
    fc.assert(
      fc.property(
        bytes(400).chain((d) => fc.tuple(fc.constant(d), splits(d))),
        ([data, cuts]) => {
          const client = new ClientHandshake();
          let fed = 0;
          let ended = false;
          for (const piece of pieces(data, cuts)) {
            const r = typedOnly(() => {
              const result = client.push(piece);
              if (result) ended = true;
            });
            fed += piece.length;
            if (r === 'typed' || ended) return;
          }
          // Still waiting: only a manifest can need this many bytes (4 + 10 + 64·4 + 10).
          expect(fed).toBeLessThanOrEqual(280);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('ClientHandshake: random manifests starting 00 00 01 FF', () => {
    fc.assert(
      fc.property(bytes(60), (tail) => {
        typedOnly(() => new ClientHandshake().push(Uint8Array.from([0, 0, 1, 0xff, ...tail])));
      }),
      { numRuns: RUNS },
    );
  });

  it('ServerHandshake: a result, a ProtocolError, or waiting with a bounded buffer', () => {
    const magic = fromHex('60 60 B0 17');
    fc.assert(
      fc.property(fc.boolean(), bytes(80), (withMagic, tail) => {
        const data = withMagic ? Uint8Array.from([...magic, ...tail]) : tail;
        const server = new ServerHandshake();
        let fed = 0;
        for (let i = 0; i < data.length; i++) {
          let result: ReturnType<ServerHandshake['push']>;
          const r = typedOnly(() => {
            result = server.push(data.subarray(i, i + 1));
          });
          fed++;
          if (r === 'typed' || result?.done) return;
          if (result && !result.done) fed = 0; // the manifest offer: now the choice
        }
        // Waiting: at most 20 bytes of opening, or 4 + 10 bytes of choice.
        expect(fed).toBeLessThanOrEqual(20);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('message decoding under random bytes', () => {
  it('decodeRequest / decodeResponse on random bodies', () => {
    fc.assert(
      fc.property(version, bytes(64), (v, body) => {
        const codec = new MessageCodec({ version: v });
        typedOnly(() => codec.decodeRequest(body));
        typedOnly(() => codec.decodeResponse(body));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('random bodies behind a valid struct header and signature', () => {
    const sigs = [
      0x01, 0x02, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x2f, 0x3f, 0x54, 0x66, 0x6a, 0x6b, 0x70,
      0x71, 0x7e, 0x7f,
    ];
    fc.assert(
      fc.property(
        version,
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(...sigs),
        bytes(48),
        (v, n, sig, tail) => {
          const body = Uint8Array.from([0xb0 + n, sig, ...tail]);
          const codec = new MessageCodec({ version: v });
          typedOnly(() => codec.decodeRequest(body));
          typedOnly(() => codec.decodeResponse(body));
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('every truncation of every vector fails with a typed error', () => {
    for (const { side, body } of bodies) {
      for (const v of SUPPORTED_VERSIONS) {
        const codec = new MessageCodec({ version: v });
        for (let cut = 0; cut < body.length; cut++) {
          const part = body.subarray(0, cut);
          const r = typedOnly(() =>
            side === 'client' ? codec.decodeRequest(part) : codec.decodeResponse(part),
          );
          expect(r).toBe('typed');
        }
      }
    }
  });

  it('random byte changes in vectors: a message or a typed error', () => {
    fc.assert(
      fc.property(
        version,
        fc.constantFrom(...bodies),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (v, { body }, edits) => {
          const mutated = body.slice();
          for (const [at, b] of edits) mutated[at % mutated.length] = b;
          const codec = new MessageCodec({ version: v });
          typedOnly(() => codec.decodeRequest(mutated));
          typedOnly(() => codec.decodeResponse(mutated));
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});

describe('BoltFeedParser under random bytes', () => {
  it('with a known version, either side', () => {
    fc.assert(
      fc.property(
        version,
        fc.constantFrom('client', 'server') as fc.Arbitrary<'client' | 'server'>,
        bytes(300).chain((d) => fc.tuple(fc.constant(d), splits(d))),
        (v, side, [data, cuts]) => {
          const parser = new BoltFeedParser({ side, version: v, onMessage() {} });
          for (const piece of pieces(data, cuts))
            if (typedOnly(() => parser.feed(piece)) === 'typed') return;
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('learning the version from a (random) handshake', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('client', 'server') as fc.Arbitrary<'client' | 'server'>,
        fc.boolean(),
        bytes(200),
        (side, realStart, tail) => {
          const start =
            side === 'client'
              ? fromHex('60 60 B0 17 00 00 01 FF 00 08 08 05 00 02 04 04 00 00 00 03')
              : fromHex('00 00 01 FF 02 00 08 08 05 00 04 04 04 00');
          const data = realStart ? Uint8Array.from([...start, ...tail]) : tail;
          const parser = new BoltFeedParser({ side, onMessage() {} });
          typedOnly(() => parser.feed(data));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('valid streams with random NOOPs and splits decode every message', () => {
    const requests = vectors.messages.filter((m) => m.side === 'client' && m.versions === '3-');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...requests), fc.boolean()), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (chosen, rawCuts) => {
          const stream = Uint8Array.from(
            chosen.flatMap(([m, noop]) => [...(noop ? [0, 0] : []), ...fromHex(m.wire)]),
          );
          const cuts = [
            0,
            ...rawCuts.map((c) => c % (stream.length + 1)).sort((a, b) => a - b),
            stream.length,
          ];
          const got: unknown[] = [];
          let noops = 0;
          const parser = new BoltFeedParser({
            side: 'client',
            version: { major: 5, minor: 8 },
            onMessage: (m) => got.push(m),
            onNoop: () => noops++,
          });
          for (const piece of pieces(stream, cuts)) parser.feed(piece);
          expect(got).toEqual(chosen.map(([m]) => m.message));
          expect(noops).toBe(chosen.filter(([, noop]) => noop).length);
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });
});

describe('round trip of random requests', () => {
  const text = fc.string({ maxLength: 20 });
  const value = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)),
    text,
    fc.array(fc.integer(), { maxLength: 4 }),
  );
  const params = fc.dictionary(
    text.filter((k) => k !== '__proto__'),
    value,
    { maxKeys: 5 },
  );
  const request: fc.Arbitrary<Request> = fc.oneof(
    fc.record({
      type: fc.constant('RUN' as const),
      query: text,
      parameters: params,
      extra: fc.record(
        {
          bookmarks: fc.array(text, { maxLength: 3 }),
          tx_timeout: fc.nat(),
          tx_metadata: params,
          mode: fc.constantFrom('r', 'w'),
          db: text,
        },
        { requiredKeys: [] },
      ),
    }),
    fc.record({
      type: fc.constantFrom('PULL' as const, 'DISCARD' as const),
      extra: fc.record(
        { n: fc.oneof(fc.constant(-1), fc.integer({ min: 1 })), qid: fc.integer({ min: -1 }) },
        { requiredKeys: ['n'] },
      ),
    }),
    fc.record({
      type: fc.constant('ROUTE' as const),
      routing: fc.dictionary(
        text.filter((k) => k !== '__proto__'),
        text,
        { maxKeys: 3 },
      ),
      bookmarks: fc.array(text, { maxLength: 3 }),
      db: text,
    }),
    fc.record({ type: fc.constant('TELEMETRY' as const), api: fc.integer({ min: 0, max: 3 }) }),
  );

  it('encodeRequest then decodeRequest gives the request back (5.8)', () => {
    const codec = new MessageCodec({ version: { major: 5, minor: 8 } });
    fc.assert(
      fc.property(request, (msg) => {
        expect(codec.decodeRequest(codec.encodeRequestBody(msg))).toEqual(msg);
      }),
      { numRuns: RUNS },
    );
  });
});
