import { ByteQueue } from './byte-queue.js';
import {
  BOLT_MAGIC,
  expandProposal,
  formatProposal,
  isManifestProposal,
  readProposal,
  type VersionProposal,
  writeProposal,
} from './handshake-bytes.js';
import { hex } from './hex.js';
import { manifestEntries, negotiate } from './negotiate.js';
import { ProtocolError } from './protocol-error.js';
import { encodeVarint, readVarint } from './varint.js';
import {
  type BoltVersion,
  formatVersion,
  isForbiddenVersion,
  isVersionIn,
  SUPPORTED_VERSIONS,
} from './versions.js';

/** Options of {@link ServerHandshake}. */
export interface ServerHandshakeOptions {
  /** The versions this server implements. Default {@link SUPPORTED_VERSIONS}. */
  supported?: readonly BoltVersion[];
  /** Answer a manifest request (`00 00 01 FF`) with Handshake Manifest v1. Default true. */
  manifest?: boolean;
  /** The capability bits offered in the manifest. Default 0 (none are defined). */
  capabilities?: bigint;
}

/** One step of the server handshake. */
export interface ServerHandshakeResult {
  /** Bytes to write now (the 4-byte reply, the manifest offer, or nothing). */
  send: Uint8Array;
  /** The negotiated version, once `done`; undefined with `done` means no common version. */
  version?: BoltVersion;
  /** False only after the manifest offer: the client's choice is still to come. */
  done: boolean;
  /** Bytes received beyond this step (a copy). After the manifest offer, push them back. */
  rest: Uint8Array;
  /** The client's four proposals (unused slots left out). */
  proposals: VersionProposal[];
  /** The capability bits the client chose (manifest only). */
  capabilities?: bigint;
}

const HTTP_METHODS = ['GET ', 'POST', 'PUT ', 'HEAD', 'OPTI', 'DELE', 'PATC', 'CONN', 'TRAC'].map(
  (m) => Array.from(m, (c) => c.charCodeAt(0)),
);

/**
 * True when `bytes` (the first bytes of a connection) start like an HTTP request, e.g. a
 * WebSocket upgrade `GET `. Fewer than 4 bytes are judged on what is there.
 */
export function looksLikeHttp(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  const n = Math.min(4, bytes.length);
  return HTTP_METHODS.some((m) => {
    for (let i = 0; i < n; i++) if (m[i] !== bytes[i]) return false;
    return true;
  });
}

type Phase = 'proposals' | 'choice' | 'done';

/**
 * The server side of the handshake, incremental. `push()` every byte received until a result
 * has `done: true`. A legacy client gets one result (the 4-byte reply); a manifest client gets
 * the offer first (`done: false`), then a result with its choice. The server sends nothing after
 * the choice. Throws ProtocolError BAD_MAGIC or BAD_HANDSHAKE.
 */
export class ServerHandshake {
  private readonly supported: readonly BoltVersion[];
  private readonly useManifest: boolean;
  private readonly capabilities: bigint;
  private readonly queue = new ByteQueue();
  private phase: Phase = 'proposals';
  private proposals: VersionProposal[] = [];
  private offered: VersionProposal[] = [];

  constructor(options: ServerHandshakeOptions = {}) {
    this.supported = options.supported ?? SUPPORTED_VERSIONS;
    this.useManifest = options.manifest ?? true;
    this.capabilities = options.capabilities ?? 0n;
  }

  /** Feed received bytes; undefined while more are needed. */
  push(bytes: Uint8Array): ServerHandshakeResult | undefined {
    if (this.phase === 'done')
      throw new ProtocolError('BAD_HANDSHAKE', 'the handshake is already complete');
    this.queue.push(bytes);
    const buf = this.queue.view();
    return this.phase === 'proposals' ? this.readProposals(buf) : this.readChoice(buf);
  }

  private readProposals(buf: Uint8Array): ServerHandshakeResult | undefined {
    const n = Math.min(4, buf.length);
    for (let i = 0; i < n; i++) {
      if (buf[i] !== BOLT_MAGIC[i]) {
        const got = hex(buf.subarray(0, n));
        throw new ProtocolError(
          'BAD_MAGIC',
          looksLikeHttp(buf)
            ? `expected the Bolt magic 60 60 B0 17, got ${got}: an HTTP request (handle WebSocket upgrades before the Bolt handshake)`
            : `expected the Bolt magic 60 60 B0 17, got ${got}`,
        );
      }
    }
    if (buf.length < 20) return undefined;
    const slots: VersionProposal[] = [];
    for (let i = 0; i < 4; i++) {
      if (buf[4 + i * 4] !== 0)
        throw new ProtocolError(
          'BAD_HANDSHAKE',
          `proposal ${i + 1} has a non-zero first byte (${hex(buf.subarray(4 + i * 4, 8 + i * 4))})`,
        );
      const p = readProposal(buf, 4 + i * 4);
      if (p) slots.push(p);
    }
    this.proposals = slots;
    if (this.useManifest && slots.some(isManifestProposal)) {
      this.offered = manifestEntries(this.supported);
      const caps = encodeVarint(this.capabilities);
      const count = encodeVarint(this.offered.length);
      const send = new Uint8Array(4 + count.length + this.offered.length * 4 + caps.length);
      send.set([0, 0, 1, 0xff]);
      send.set(count, 4);
      for (let i = 0; i < this.offered.length; i++)
        writeProposal(this.offered[i], send, 4 + count.length + i * 4);
      send.set(caps, send.length - caps.length);
      this.phase = 'choice';
      return { send, done: false, rest: this.queue.take(20), proposals: slots };
    }
    this.phase = 'done';
    const version = negotiate(slots, this.supported);
    const send = new Uint8Array(4);
    if (version) send.set([0, 0, version.minor, version.major]);
    return { send, version, done: true, rest: this.queue.take(20), proposals: slots };
  }

  private readChoice(buf: Uint8Array): ServerHandshakeResult | undefined {
    if (buf.length > 0 && buf[0] !== 0) throw badChoice(buf);
    if (buf.length < 5) return undefined;
    if (buf[1] !== 0) throw badChoice(buf);
    const caps = readVarint(buf, 4);
    if (!caps) return undefined;
    this.phase = 'done';
    const rest = this.queue.take(caps.next);
    const proposals = this.proposals;
    if (buf[2] === 0 && buf[3] === 0)
      return {
        send: new Uint8Array(0),
        version: undefined,
        done: true,
        rest,
        proposals,
        capabilities: caps.value,
      };
    const version = { major: buf[3], minor: buf[2] };
    const ok =
      !isForbiddenVersion(version) &&
      this.offered.some((p) => isVersionIn(version, expandProposal(p)));
    if (!ok)
      throw new ProtocolError(
        'BAD_HANDSHAKE',
        `the client chose Bolt ${formatVersion(version)}, which the manifest did not offer (${this.offered.map(formatProposal).join(', ')})`,
      );
    if ((caps.value & ~this.capabilities) !== 0n)
      throw new ProtocolError(
        'BAD_HANDSHAKE',
        `the client chose capabilities 0x${caps.value.toString(16)} beyond the offered 0x${this.capabilities.toString(16)}`,
      );
    return {
      send: new Uint8Array(0),
      version,
      done: true,
      rest,
      proposals,
      capabilities: caps.value,
    };
  }
}

function badChoice(buf: Uint8Array): ProtocolError {
  return new ProtocolError(
    'BAD_HANDSHAKE',
    `expected the client's manifest choice 00 00 mm MM, got ${hex(buf.subarray(0, 4))}`,
  );
}
