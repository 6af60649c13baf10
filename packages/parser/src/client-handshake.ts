import { ByteQueue } from './byte-queue.js';
import {
  DEFAULT_CLIENT_PROPOSALS,
  encodeClientHandshake,
  encodeVersion,
  expandProposal,
  formatProposal,
  isManifestProposal,
  readProposal,
  type VersionProposal,
} from './handshake-bytes.js';
import { hex } from './hex.js';
import { chooseFromManifest } from './negotiate.js';
import { ProtocolError } from './protocol-error.js';
import { readVarint } from './varint.js';
import {
  type BoltVersion,
  formatVersion,
  isForbiddenVersion,
  isVersionIn,
  SUPPORTED_VERSIONS,
} from './versions.js';

/** Options of {@link ClientHandshake}. */
export interface ClientHandshakeOptions {
  /** The four slots to offer. Default {@link DEFAULT_CLIENT_PROPOSALS}. */
  proposals?: readonly VersionProposal[];
  /** The versions the client implements. Default {@link SUPPORTED_VERSIONS}. */
  supported?: readonly BoltVersion[];
  /** Most version entries accepted in a server manifest. Default 64. */
  maxManifestEntries?: number;
}

/** The outcome of a client handshake. */
export interface ClientHandshakeResult {
  /** The negotiated version. */
  version: BoltVersion;
  /** Bytes to send now: the manifest choice (`00 00 mm MM` + capabilities varint), or empty. */
  send: Uint8Array;
  /** Bytes received after the handshake (a copy); feed them to the message layer. */
  rest: Uint8Array;
  /** True when Handshake Manifest v1 was used. */
  manifest: boolean;
  /** The server's manifest entries and capability mask (manifest only). */
  offered?: VersionProposal[];
  capabilities?: bigint;
}

const HTTP = [0x48, 0x54, 0x54, 0x50];

/**
 * The client side of the handshake, incremental: send {@link hello}, then `push()` every byte
 * received until it returns a result. Throws ProtocolError HTTP_SERVER, NO_COMMON_VERSION or
 * BAD_HANDSHAKE. On NO_COMMON_VERSION after a manifest, a polite client writes
 * `MANIFEST_NO_MATCH` before closing.
 */
export class ClientHandshake {
  /** The 20 bytes to send first. */
  readonly hello: Uint8Array;
  private readonly proposals: readonly VersionProposal[];
  private readonly supported: readonly BoltVersion[];
  private readonly maxEntries: number;
  private readonly queue = new ByteQueue();
  private done = false;

  constructor(options: ClientHandshakeOptions = {}) {
    this.proposals = options.proposals ?? DEFAULT_CLIENT_PROPOSALS;
    this.supported = options.supported ?? SUPPORTED_VERSIONS;
    this.maxEntries = options.maxManifestEntries ?? 64;
    this.hello = encodeClientHandshake(this.proposals);
  }

  /** Feed received bytes; undefined while more are needed. */
  push(bytes: Uint8Array): ClientHandshakeResult | undefined {
    if (this.done) throw new ProtocolError('BAD_HANDSHAKE', 'the handshake is already complete');
    this.queue.push(bytes);
    const buf = this.queue.view();
    if (buf.length > 0 && buf[0] !== 0 && buf[0] !== HTTP[0]) throw badReply(buf);
    if (buf.length < 4) return undefined;
    if (HTTP.every((b, i) => buf[i] === b))
      throw new ProtocolError(
        'HTTP_SERVER',
        'the server answered the Bolt handshake with "HTTP": this port serves HTTP, not Bolt (Bolt is usually on 7687)',
      );
    if (buf[0] !== 0 || buf[1] !== 0) throw badReply(buf);
    if (buf[2] === 0 && buf[3] === 0)
      throw new ProtocolError(
        'NO_COMMON_VERSION',
        `the server supports none of the offered versions (${this.proposals.map(formatProposal).join(', ')})`,
      );
    if (buf[3] === 0xff && buf[2] === 1) {
      if (!this.proposals.some(isManifestProposal))
        throw new ProtocolError(
          'BAD_HANDSHAKE',
          'the server answered with a manifest (00 00 01 FF) that was not offered',
        );
      return this.manifest(buf);
    }
    const version = { major: buf[3], minor: buf[2] };
    const offered = this.proposals.some((p) => isVersionIn(version, expandProposal(p)));
    if (!offered)
      throw new ProtocolError(
        'BAD_HANDSHAKE',
        `the server chose Bolt ${formatVersion(version)}, which was not offered (${this.proposals.map(formatProposal).join(', ')})`,
      );
    if (isForbiddenVersion(version) || !isVersionIn(version, this.supported))
      throw new ProtocolError(
        'BAD_HANDSHAKE',
        `the server chose Bolt ${formatVersion(version)}, which was offered but is not supported here (supported: ${this.supported.map(formatVersion).join(', ')})`,
      );
    this.done = true;
    return { version, send: new Uint8Array(0), rest: this.queue.take(4), manifest: false };
  }

  private manifest(buf: Uint8Array): ClientHandshakeResult | undefined {
    const count = readVarint(buf, 4);
    if (!count) return undefined;
    if (count.value > BigInt(this.maxEntries))
      throw new ProtocolError(
        'BAD_HANDSHAKE',
        `the server manifest lists ${count.value} versions; at most ${this.maxEntries} are accepted`,
      );
    const n = Number(count.value);
    const capsAt = count.next + n * 4;
    if (buf.length < capsAt) return undefined;
    const caps = readVarint(buf, capsAt);
    if (!caps) return undefined;
    const offered: VersionProposal[] = [];
    for (let i = 0; i < n; i++) {
      const at = count.next + i * 4;
      if (buf[at] !== 0)
        throw new ProtocolError(
          'BAD_HANDSHAKE',
          `manifest entry ${i} has a non-zero first byte (${hex(buf.subarray(at, at + 4))})`,
        );
      const p = readProposal(buf, at);
      if (p && !isManifestProposal(p)) offered.push(p);
    }
    const version = chooseFromManifest(offered, this.supported);
    if (!version)
      throw new ProtocolError(
        'NO_COMMON_VERSION',
        `the server manifest offers ${offered.map(formatProposal).join(', ') || 'nothing'}; none is supported here`,
      );
    this.done = true;
    const send = new Uint8Array(5);
    send.set(encodeVersion(version));
    return {
      version,
      send,
      rest: this.queue.take(caps.next),
      manifest: true,
      offered,
      capabilities: caps.value,
    };
  }
}

function badReply(buf: Uint8Array): ProtocolError {
  return new ProtocolError(
    'BAD_HANDSHAKE',
    `expected a handshake reply 00 00 mm MM, got ${hex(buf.subarray(0, 4))}`,
  );
}
