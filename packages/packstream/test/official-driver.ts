// Access to the official driver's packstream (neo4j-driver 6.3.0 -> neo4j-driver-bolt-connection),
// used only as a peer in differential tests. Its internals are reached through its published
// files; nothing is copied.
import { createRequire } from 'node:module';

const rootRequire = createRequire(import.meta.url);
const req = createRequire(rootRequire.resolve('neo4j-driver'));

export const neo4j: any = req('neo4j-driver');

const ChannelBuffer: any = req('neo4j-driver-bolt-connection/lib/channel/channel-buf.js').default;

const protocolFiles: Record<string, string> = {
  '4.4': 'bolt-protocol-v4x4.js',
  '5.0': 'bolt-protocol-v5x0.js',
  '5.8': 'bolt-protocol-v5x8.js',
  '6.0': 'bolt-protocol-v6x0.js',
  '6.1': 'bolt-protocol-v6x1.js',
};

export interface OfficialCodec {
  pack(value: unknown): Uint8Array;
  unpack(bytes: Uint8Array): unknown;
}

/** The official packer/unpacker (with its struct transformers) of one Bolt version. */
export function officialCodec(
  version: keyof typeof protocolFiles,
  useBigInt = false,
): OfficialCodec {
  const Protocol = req(`neo4j-driver-bolt-connection/lib/bolt/${protocolFiles[version]}`).default;
  const silent = { warn() {}, isDebugEnabled: () => false, isWarnEnabled: () => false };
  const p = new Protocol(
    {},
    null,
    { disableLosslessIntegers: false, useBigInt },
    undefined,
    silent,
    undefined,
  );
  return {
    pack(value) {
      const buf = new ChannelBuffer(1024);
      p._packer._ch = growable(buf);
      p.packable(value)();
      const out = p._packer._ch.current;
      return Uint8Array.from(out._buffer.subarray(0, out.position));
    },
    unpack(bytes) {
      return p.unpack(new ChannelBuffer(Buffer.from(bytes)));
    },
  };
}

// The official ChannelBuffer has a fixed size; wrap it so large values fit.
function growable(initial: any) {
  const w = {
    current: initial,
    ensure(n: number) {
      if (w.current.remaining() >= n) return;
      let size = w.current.length * 2;
      while (size - w.current.position < n) size *= 2;
      const next = new ChannelBuffer(size);
      next.writeBytes(w.current.getSlice(0, w.current.position));
      w.current = next;
    },
    writeUInt8(v: number) {
      w.ensure(1);
      w.current.writeUInt8(v);
    },
    writeInt8(v: number) {
      w.ensure(1);
      w.current.writeInt8(v);
    },
    writeInt16(v: number) {
      w.ensure(2);
      w.current.writeInt16(v);
    },
    writeInt32(v: number) {
      w.ensure(4);
      w.current.writeInt32(v);
    },
    writeFloat64(v: number) {
      w.ensure(8);
      w.current.writeFloat64(v);
    },
    writeBytes(b: any) {
      w.ensure(b.length);
      w.current.writeBytes(b);
    },
  };
  return w;
}
