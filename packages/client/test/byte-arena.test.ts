// The arena that records kept as bytes are copied into: exact copies that never change, and
// the ranges of the input being received copied with the rest of that input in one step.
import type { NetModule, Transport } from '@bolt/net-adapters';
import { describe, expect, it } from 'vitest';
import { ByteArena } from '../src/byte-arena.js';
import { auth, Connection, Record } from '../src/index.js';
import { RecordColumns } from '../src/record.js';
import { autoHello, ok, record, ScriptedPeer } from './support/scripted-peer.js';

const bytes = (n: number, seed = 0) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + seed) % 251;
  return b;
};
type Copied = { block: Uint8Array; offset: number; copy: Uint8Array };
const at = (arena: ByteArena, src: Uint8Array, from: number, to: number): Copied => {
  const offset = arena.copy(src, from, to);
  return { block: arena.block, offset, copy: arena.block.slice(offset, offset + to - from) };
};
/** What a copy's bytes read now, in the block it was given. */
const now = (c: Copied) => c.block.slice(c.offset, c.offset + c.copy.length);

describe('ByteArena', () => {
  it('copies ranges of other bytes exactly, one after the other, unchanged by later writes', () => {
    const arena = new ByteArena();
    const src = bytes(300);
    const a = at(arena, src, 10, 40);
    const b = at(arena, src, 100, 250);
    expect(a.copy).toEqual(src.slice(10, 40));
    expect(b.copy).toEqual(src.slice(100, 250));
    expect(b.block).toBe(a.block);
    expect(b.offset).toBe(a.offset + 30);
    src.fill(0);
    expect(now(a)).toEqual(bytes(300).slice(10, 40));
  });

  it('takes the rest of the input being received with its first range, then finds the next ones in that copy', () => {
    const arena = new ByteArena();
    const input = bytes(5000, 3);
    arena.receiving(input);
    const first = at(arena, input, 100, 130);
    const second = at(arena, input, 200, 260);
    const last = at(arena, input, 4990, 5000);
    arena.receiving(undefined);
    expect(first.copy).toEqual(input.slice(100, 130));
    expect(second.copy).toEqual(input.slice(200, 260));
    expect(last.copy).toEqual(input.slice(4990, 5000));
    // one copy of input[100, 5000): the later ranges sit where they sit in the input
    expect(second.block).toBe(first.block);
    expect(last.block).toBe(first.block);
    expect(second.offset - first.offset).toBe(100);
    expect(last.offset - first.offset).toBe(4890);
    // a range before the copied part is copied anew
    arena.receiving(input);
    const earlier = at(arena, input, 0, 20);
    expect(earlier.copy).toEqual(input.slice(0, 20));
    input.fill(9);
    expect(now(first)).toEqual(bytes(5000, 3).slice(100, 130));
  });

  it('copies the ranges of a small input (512 bytes or less left) one by one', () => {
    const arena = new ByteArena();
    const input = bytes(400, 9);
    arena.receiving(input);
    const a = at(arena, input, 10, 13);
    const b = at(arena, input, 300, 310);
    arena.receiving(undefined);
    expect(a.copy).toEqual(input.slice(10, 13));
    expect(b.copy).toEqual(input.slice(300, 310));
    // packed one after the other, not where they sit in the input
    expect(b.block).toBe(a.block);
    expect(b.offset).toBe(a.offset + 3);
  });

  it('copies again when the same input object comes back with other bytes', () => {
    const arena = new ByteArena();
    const input = bytes(2000, 1);
    arena.receiving(input);
    const before = at(arena, input, 50, 90);
    arena.receiving(undefined);
    input.set(bytes(2000, 77));
    arena.receiving(input);
    const after = at(arena, input, 50, 90);
    arena.receiving(undefined);
    expect(before.copy).toEqual(bytes(2000, 1).slice(50, 90));
    expect(after.copy).toEqual(bytes(2000, 77).slice(50, 90));
    expect(now(before)).toEqual(bytes(2000, 1).slice(50, 90));
  });

  it('copies at most 64 KiB ahead, and a longer range whole', () => {
    const arena = new ByteArena();
    const input = bytes(300_000, 5);
    arena.receiving(input);
    const a = at(arena, input, 0, 10);
    const b = at(arena, input, 70_000, 70_010); // beyond the first copy
    const big = at(arena, input, 100_000, 250_000); // longer than a block
    arena.receiving(undefined);
    expect(a.block.length).toBe(64 * 1024);
    expect(b.block).not.toBe(a.block);
    expect(b.copy).toEqual(input.slice(70_000, 70_010));
    expect(Buffer.compare(big.copy, input.slice(100_000, 250_000))).toBe(0);
  });
});

/** `peer.module`, with every chunk the client receives handed over in one reused buffer per
 *  chunk length (as a transport reading into its own memory would, against its contract). */
function reusingBuffers(peer: ScriptedPeer): NetModule {
  const buffers = new Map<number, Uint8Array>();
  return {
    name: 'reusing',
    connect: async (...args) => {
      const t: Transport = await peer.module.connect(...args);
      const receive = t.receive.bind(t);
      t.receive = (handler) =>
        receive({
          onData: (chunk) => {
            let buf = buffers.get(chunk.length);
            if (buf === undefined) buffers.set(chunk.length, (buf = new Uint8Array(chunk.length)));
            buf.set(chunk);
            handler.onData(buf);
          },
          onEnd: (e) => handler.onEnd(e),
        });
      return t;
    },
  };
}

describe('records kept as bytes on a connection', () => {
  it('keep the values they arrived with when the next input comes in the same buffer', async () => {
    const peer = new ScriptedPeer({ supported: [{ major: 5, minor: 8 }] });
    autoHello(peer);
    const c = await Connection.open({
      netModule: reusingBuffers(peer),
      host: 'h',
      port: 1,
      auth: auth.basic('u', 'p'),
    });
    const rowsOf = (tag: string) => Array.from({ length: 20 }, (_, i) => [i, `${tag}-${i}`]);
    const kept: Record[][] = [];
    for (const [k, tag] of ['aaa', 'bbb', 'ccc'].entries()) {
      const got: Record[] = [];
      const done = new Promise<void>((resolve) => {
        c.enqueue({ type: 'RUN', query: tag, parameters: {}, extra: {} });
        c.pull(-1, undefined, {
          onScalarRecord: (b, first, count, reader) => {
            expect(count).toBe(2);
            got.push(Record.packed(new RecordColumns(['i', 's'], undefined, reader), b, first));
          },
          onSuccess: () => resolve(),
        });
      });
      await peer.waitFor(4 + 2 * k);
      peer.send(ok({ fields: ['i', 's'] }), ...rowsOf(tag).map((r) => record(...r)), ok());
      await done;
      kept.push(got);
    }
    for (const [k, tag] of ['aaa', 'bbb', 'ccc'].entries())
      expect(kept[k].map((r) => [...r])).toEqual(rowsOf(tag));
    c.destroy();
  });
});
