import { ChunkingError, ChunkWriter, Dechunker } from '@bolt/chunking';
import { Decoder, Encoder } from '@bolt/packstream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, expandFrames, messageBytes } from './frames';
import vectors from './vectors.json';

/** Index of the first differing byte, or -1 (toEqual on 10 MB is far too slow). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function collect(options: { maxMessageSize?: number } = {}) {
  const messages: Uint8Array[] = [];
  let noops = 0;
  const d = new Dechunker({
    onMessage: (m) => messages.push(m.slice()),
    onNoop: () => noops++,
    ...options,
  });
  return { d, messages, noops: () => noops };
}

/** Messages of a vector: message k is messageBytes(size, k * 7). */
function vectorMessages(sizes: number[]): Uint8Array[] {
  return sizes.map((s, k) => messageBytes(s, k * 7));
}

describe('ChunkWriter vectors (chunk framing)', () => {
  for (const v of vectors.framing) {
    const msgs = vectorMessages(v.messages);
    const expected = expandFrames(v.frames, concat(msgs));
    it(`writeMessage: ${v.name}`, () => {
      const w = new ChunkWriter({ maxChunkSize: v.maxChunkSize });
      for (const m of msgs) w.writeMessage(m);
      expect(w.messageCount).toBe(msgs.length);
      expect(w.length).toBe(expected.length);
      expect(w.flush()).toEqual(expected);
      expect(w.length).toBe(0);
      expect(w.messageCount).toBe(0);
    });
    it(`begin/endMessage as a sink: ${v.name}`, () => {
      const w = new ChunkWriter({ maxChunkSize: v.maxChunkSize, initialCapacity: 16 });
      for (const m of msgs) {
        w.beginMessage();
        w.out.bytes(m);
        w.endMessage();
      }
      expect(w.flush()).toEqual(expected);
    });
    it(`Dechunker reads back: ${v.name}`, () => {
      const { d, messages } = collect();
      d.push(expected);
      expect(messages).toEqual(msgs);
      expect(d.idle).toBe(true);
    });
  }

  for (const v of vectors.reading) {
    it(`Dechunker: ${v.name}`, () => {
      const msgs = vectorMessages(v.messages);
      const stream = expandFrames(v.stream, concat(msgs));
      const { d, messages, noops } = collect();
      d.push(stream);
      expect(messages).toEqual(msgs);
      expect(noops()).toBe(v.noops);
    });
  }
});

describe('ChunkWriter', () => {
  it('encodes a PackStream message straight into its frame', () => {
    const w = new ChunkWriter();
    const enc = new Encoder();
    w.beginMessage();
    enc.encodeStructInto(w.out, 0x10, ['RETURN 1', {}, {}]);
    w.endMessage();
    w.writeNoop();
    const bytes = w.flush();
    const { d, messages, noops } = collect();
    d.push(bytes);
    expect(noops()).toBe(1);
    const s = new Decoder().decodeStruct(messages[0]);
    expect(s.tag).toBe(0x10);
    expect(s.fields).toEqual(['RETURN 1', {}, {}]);
  });

  it('splits a long encoded body in place, at any maxChunkSize', () => {
    const body = messageBytes(1000, 3);
    for (const max of [1, 2, 7, 255, 999, 1000, 1001]) {
      const w = new ChunkWriter({ maxChunkSize: max, initialCapacity: 16 });
      w.writeMessage(Uint8Array.of(9));
      w.beginMessage();
      w.out.bytes(body);
      w.endMessage();
      const viaSink = w.flush();
      const w2 = new ChunkWriter({ maxChunkSize: max });
      w2.writeMessage(Uint8Array.of(9));
      w2.writeMessage(body);
      expect(viaSink).toEqual(w2.flush());
      const { d, messages } = collect();
      d.push(viaSink);
      expect(messages).toEqual([Uint8Array.of(9), body]);
      // every chunk header is within 1..max (skip the first message: 00 01 09 00 00)
      let p = 5;
      while (p < viaSink.length) {
        const size = (viaSink[p] << 8) | viaSink[p + 1];
        if (size === 0) break;
        expect(size).toBeLessThanOrEqual(max);
        p += 2 + size;
      }
    }
  });

  it('rejects bad state and bad options with typed errors', () => {
    const w = new ChunkWriter();
    expect(() => w.endMessage()).toThrow(ChunkingError);
    w.beginMessage();
    expect(() => w.beginMessage()).toThrow(/while a message is open/);
    expect(() => w.flush()).toThrow(ChunkingError);
    expect(() => w.writeNoop()).toThrow(ChunkingError);
    try {
      w.endMessage();
    } catch (e) {
      expect(ChunkingError.isInstance(e) && e.code).toBe('INVALID_STATE');
    }
    expect(w.length).toBe(0);
    expect(() => new ChunkWriter({ maxChunkSize: 0 })).toThrow(RangeError);
    expect(() => new ChunkWriter({ maxChunkSize: 65536 })).toThrow(RangeError);
  });

  it('flushView hands out the queued bytes without a copy; detach leaves them to their holder', () => {
    const w = new ChunkWriter({ initialCapacity: 16 });
    w.writeMessage(Uint8Array.of(1, 2));
    const view = w.flushView();
    expect(view).toEqual(Uint8Array.of(0, 2, 1, 2, 0, 0));
    expect(view.buffer).toBe(w.out.buffer.buffer);
    expect(w.length).toBe(0);
    expect(w.messageCount).toBe(0);
    // kept: the next message overwrites the view
    w.writeMessage(Uint8Array.of(9));
    expect(Array.from(view.subarray(0, 3))).toEqual([0, 1, 9]);
    w.flush();
    // detached: the holder keeps its bytes, the writer goes on elsewhere (queued bytes too)
    w.writeMessage(Uint8Array.of(3));
    const held = w.flushView();
    w.detach();
    expect(w.out.buffer.buffer).not.toBe(held.buffer);
    w.writeMessage(Uint8Array.of(4));
    expect(held).toEqual(Uint8Array.of(0, 1, 3, 0, 0));
    w.detach(); // with a message queued: it moves along
    w.writeMessage(Uint8Array.of(5));
    expect(w.flush()).toEqual(Uint8Array.of(0, 1, 4, 0, 0, 0, 1, 5, 0, 0));
    w.beginMessage();
    expect(() => w.flushView()).toThrow(ChunkingError);
  });

  it('abortMessage drops only the open message', () => {
    const w = new ChunkWriter();
    w.writeMessage(Uint8Array.of(1));
    w.beginMessage();
    w.out.bytes(Uint8Array.of(2, 3));
    w.abortMessage();
    expect(w.flush()).toEqual(Uint8Array.of(0, 1, 1, 0, 0));
  });
});

describe('Dechunker', () => {
  it('hands a single-chunk message out as a view of the input (no copy)', () => {
    const input = Uint8Array.of(0, 3, 1, 2, 3, 0, 0);
    let seen: Uint8Array | undefined;
    const d = new Dechunker({ onMessage: (m) => (seen = m) });
    d.push(input);
    expect(seen?.buffer).toBe(input.buffer);
    expect(seen?.byteOffset).toBe(2);
    expect(Array.from(seen!)).toEqual([1, 2, 3]);
  });

  it('onMessageAt gives each message as a range of the input or of its buffer, no view made', () => {
    const msgs = [messageBytes(5), messageBytes(3000, 1), messageBytes(1, 2)];
    const w = new ChunkWriter({ maxChunkSize: 1400 });
    for (const m of msgs) w.writeMessage(m);
    const stream = w.flush();
    for (const step of [stream.length, 1, 7]) {
      const got: { same: boolean; bytes: number[] }[] = [];
      const piece: { input?: Uint8Array } = {};
      const d = new Dechunker({
        onMessageAt: (bytes, start, end) =>
          got.push({ same: bytes === piece.input, bytes: Array.from(bytes.subarray(start, end)) }),
      });
      for (let i = 0; i < stream.length; i += step) {
        piece.input = stream.subarray(i, i + step);
        d.push(piece.input);
      }
      expect(got.map((g) => g.bytes)).toEqual(msgs.map((m) => Array.from(m)));
      // whole input at once: the single-chunk messages are ranges of it, the long one is not
      if (step === stream.length) expect(got.map((g) => g.same)).toEqual([true, false, true]);
    }
    expect(() => new Dechunker({})).toThrow(/one of onMessage and onMessageAt/);
    expect(() => new Dechunker({ onMessage: () => {}, onMessageAt: () => {} })).toThrow(
      /one of onMessage and onMessageAt/,
    );
  });

  it('reassembles one byte at a time', () => {
    const msgs = [messageBytes(5), messageBytes(70000, 1), messageBytes(1, 2)];
    const w = new ChunkWriter({ maxChunkSize: 1400 });
    for (const m of msgs) w.writeMessage(m);
    w.writeNoop();
    const stream = w.flush();
    const { d, messages, noops } = collect();
    for (let i = 0; i < stream.length; i++) d.push(stream.subarray(i, i + 1));
    expect(messages).toEqual(msgs);
    expect(noops()).toBe(1);
    expect(d.idle).toBe(true);
  });

  it('is not idle while a header, chunk or message is partial', () => {
    const { d } = collect();
    d.push(Uint8Array.of(0));
    expect(d.idle).toBe(false);
    d.push(Uint8Array.of(2, 1));
    expect(d.idle).toBe(false);
    d.push(Uint8Array.of(2));
    expect(d.idle).toBe(false); // chunk complete, end marker missing
    d.push(Uint8Array.of(0, 0));
    expect(d.idle).toBe(true);
  });

  it('reassembles a 10 MB message spanning thousands of 1,400-byte chunks', () => {
    const big = messageBytes(10 * 1024 * 1024, 5);
    const w = new ChunkWriter({ maxChunkSize: 1400 });
    w.writeMessage(big);
    const stream = w.flush();
    const { d, messages } = collect();
    // delivered in uneven network-sized pieces
    for (let i = 0; i < stream.length; i += 1337) d.push(stream.subarray(i, i + 1337));
    expect(messages.length).toBe(1);
    expect(messages[0].length).toBe(big.length);
    expect(firstDifference(messages[0], big)).toBe(-1);
  });

  it('rejects a message over maxMessageSize before buffering it, then needs reset()', () => {
    const { d, messages } = collect({ maxMessageSize: 10 });
    d.push(Uint8Array.of(0, 10, ...messageBytes(10), 0, 0));
    expect(messages.length).toBe(1);
    let err: unknown;
    try {
      d.push(Uint8Array.of(0, 6, 1, 2, 3, 4, 5, 6, 0, 5));
    } catch (e) {
      err = e;
    }
    expect(ChunkingError.isInstance(err) && err.code).toBe('MESSAGE_TOO_LARGE');
    expect(() => d.push(Uint8Array.of(0, 0))).toThrow(/reset/);
    d.reset();
    d.push(Uint8Array.of(0, 1, 42, 0, 0));
    expect(messages[1]).toEqual(Uint8Array.of(42));
  });

  it('rejects a single huge chunk header without waiting for its body', () => {
    const { d } = collect({ maxMessageSize: 1000 });
    expect(() => d.push(Uint8Array.of(0xff, 0xff, 1))).toThrow(ChunkingError);
  });

  it('property: any split of a multi-message stream yields the same messages and NOOPs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.constant(null)), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (items, maxChunkSize, cuts) => {
          const w = new ChunkWriter({ maxChunkSize });
          for (const m of items) m === null ? w.writeNoop() : w.writeMessage(m);
          const stream = w.flush();
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          );
          const { d, messages, noops } = collect();
          let prev = 0;
          for (const p of [...points, stream.length]) {
            d.push(stream.subarray(prev, p));
            prev = p;
          }
          expect(messages).toEqual(items.filter((m) => m !== null));
          expect(noops()).toBe(items.filter((m) => m === null).length);
          expect(d.idle).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: random bytes only ever yield messages, NOOPs or a ChunkingError', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (pieces) => {
        const d = new Dechunker({ onMessage: () => {}, maxMessageSize: 100 });
        for (const p of pieces) {
          try {
            d.push(p);
          } catch (e) {
            if (!ChunkingError.isInstance(e)) throw e;
            expect(e.code).toBe('MESSAGE_TOO_LARGE');
            return;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
