import { Dechunker } from '@bolt/chunking';
import type { IntegerMode } from '@bolt/packstream';
import { ByteQueue } from './byte-queue.js';
import {
  BOLT_MAGIC,
  isManifestProposal,
  readProposal,
  type VersionProposal,
} from './handshake-bytes.js';
import { hex } from './hex.js';
import { MessageCodec, type MessageCodecOptions } from './message-codec.js';
import { chooseFromManifest, negotiate } from './negotiate.js';
import { ProtocolError } from './protocol-error.js';
import type { Request } from './request.js';
import type { Response } from './response.js';
import { readVarint } from './varint.js';
import {
  type BoltVersion,
  isVersionIn,
  parseVersion,
  SUPPORTED_VERSIONS,
  sameVersion,
} from './versions.js';

/** What the feed parser learned from a handshake. */
export interface HandshakeInfo {
  /** The version in use, when it can be told from this side of the stream. */
  version?: BoltVersion;
  /** The client's proposals (side 'client'). */
  proposals?: VersionProposal[];
  /** The server's manifest entries (side 'server', manifest v1). */
  manifest?: VersionProposal[];
}

/** Options of {@link BoltFeedParser}. */
export interface BoltFeedParserOptions {
  /** Whose bytes are fed: 'client' (requests) or 'server' (responses). Required. */
  side: 'client' | 'server';
  /** The negotiated version, when known. Default: learned from the handshake in the stream. */
  version?: BoltVersion;
  /** The stream starts with the handshake. Default: true when `version` is not given. */
  expectHandshake?: boolean;
  /** Called for each decoded message, with the message's bytes (dechunked; a view valid only
   *  during the call: copy it to keep it). Required. */
  onMessage(msg: Request | Response, body: Uint8Array): void;
  /** Called for each NOOP keep-alive (`00 00` between messages). Default: ignored. */
  onNoop?(): void;
  /** Called once the handshake has been read. */
  onHandshake?(info: HandshakeInfo): void;
  /**
   * Called when one message cannot be decoded (ProtocolError or PackStreamError); parsing goes
   * on with the next message. Default: none, and `feed()` throws the error instead.
   */
  onError?(error: Error, body: Uint8Array): void;
  /** 4.3/4.4 with the utc patch agreed (the 'server' side switches by itself when it sees the echo). Default false. */
  utcPatch?: boolean;
  /** How integers come back. Default 'auto'. */
  integers?: IntegerMode;
  /** Largest message accepted, in bytes. Default 64 MiB (the Dechunker's). */
  maxMessageSize?: number;
  /** Decoder limits; packstream defaults otherwise. */
  decoderLimits?: MessageCodecOptions['decoderLimits'];
}

type Phase = 'client-hello' | 'client-choice' | 'server-reply' | 'messages' | 'closed';

/**
 * A feed-style parser for tools that watch one direction of a Bolt connection: bytes in (split
 * anywhere), messages out through callbacks. It reads the handshake when told to, then the
 * chunked messages, and keeps no state about the conversation beyond the version.
 *
 * Versions: the 'client' side reads the client's proposals, and a manifest choice when the
 * client offered the manifest and the next 4 bytes are a known version (`00 00 mm MM`);
 * otherwise it assumes what a server supporting everything would pick. The 'server' side reads
 * the legacy reply or the manifest (assuming the client picks the newest, as clients do), and
 * corrects itself from a HELLO SUCCESS `protocol_version`. {@link setVersion} overrides both.
 */
export class BoltFeedParser {
  readonly side: 'client' | 'server';
  readonly #options: BoltFeedParserOptions;
  readonly #queue = new ByteQueue();
  readonly #dechunker: Dechunker;
  #phase: Phase;
  #codec: MessageCodec | undefined;
  #proposals: VersionProposal[] = [];

  constructor(options: BoltFeedParserOptions) {
    if (options.side !== 'client' && options.side !== 'server')
      throw new TypeError("BoltFeedParser needs side: 'client' or 'server'");
    this.side = options.side;
    this.#options = options;
    const expectHandshake = options.expectHandshake ?? options.version === undefined;
    if (!expectHandshake && !options.version)
      throw new TypeError('BoltFeedParser needs a version when no handshake is expected');
    if (options.version) this.setVersion(options.version);
    this.#phase = !expectHandshake
      ? 'messages'
      : options.side === 'client'
        ? 'client-hello'
        : 'server-reply';
    this.#dechunker = new Dechunker({
      onMessage: (body) => this.#message(body),
      onNoop: options.onNoop ? () => options.onNoop?.() : undefined,
      maxMessageSize: options.maxMessageSize,
    });
  }

  /** The version messages are decoded with (undefined before the handshake is read). */
  get version(): BoltVersion | undefined {
    return this.#codec?.version;
  }

  /** Decode from now on as `version` (e.g. learned from the other direction). */
  setVersion(version: BoltVersion): void {
    if (this.#codec && sameVersion(this.#codec.version, version)) return;
    this.#codec = new MessageCodec({
      version,
      utcPatch: this.#options.utcPatch,
      integers: this.#options.integers,
      decoderLimits: this.#options.decoderLimits,
    });
  }

  /** Switch 4.3/4.4 to UTC DateTime (after seeing `patch_bolt: ["utc"]` echoed). */
  enableUtcPatch(): void {
    this.#codec?.enableUtcPatch();
  }

  /** Feed the next bytes of the stream. */
  feed(bytes: Uint8Array): void {
    if (this.#phase === 'messages') {
      this.#dechunker.push(bytes);
      return;
    }
    if (this.#phase === 'closed') {
      if (bytes.length === 0) return;
      throw new ProtocolError(
        'BAD_HANDSHAKE',
        'bytes after a handshake that found no common version',
      );
    }
    this.#queue.push(bytes);
    const rest = this.#handshake();
    if (rest && rest.length > 0) this.feed(rest);
  }

  #handshake(): Uint8Array | undefined {
    const buf = this.#queue.view();
    switch (this.#phase) {
      case 'client-hello': {
        for (let i = 0; i < Math.min(4, buf.length); i++)
          if (buf[i] !== BOLT_MAGIC[i])
            throw new ProtocolError(
              'BAD_MAGIC',
              `expected the Bolt magic 60 60 B0 17, got ${hex(buf.subarray(0, 4))}`,
            );
        if (buf.length < 20) return undefined;
        for (let i = 0; i < 4; i++) {
          const p = readProposal(buf, 4 + i * 4);
          if (p) this.#proposals.push(p);
        }
        const rest = this.#queue.take(20);
        if (this.#proposals.some(isManifestProposal)) {
          this.#phase = 'client-choice';
          this.#queue.push(rest);
          return this.#handshake();
        }
        if (this.#codec) return this.#done({ proposals: this.#proposals }, rest);
        return this.#legacyGuess(rest);
      }
      case 'client-choice': {
        if (buf.length < 4) return undefined;
        const chosen = { major: buf[3], minor: buf[2] };
        const isChoice =
          buf[0] === 0 &&
          buf[1] === 0 &&
          ((chosen.major === 0 && chosen.minor === 0) || isVersionIn(chosen, SUPPORTED_VERSIONS));
        if (!isChoice) {
          const all = this.#queue.take(0);
          return this.#codec
            ? this.#done({ proposals: this.#proposals }, all)
            : this.#legacyGuess(all);
        }
        const caps = readVarint(buf, 4);
        if (!caps) return undefined;
        const rest = this.#queue.take(caps.next);
        if (chosen.major === 0) return this.#close({ proposals: this.#proposals });
        this.setVersion(chosen);
        return this.#done({ version: chosen, proposals: this.#proposals }, rest);
      }
      case 'server-reply': {
        if (buf.length < 4) return undefined;
        if (buf[0] === 0x48 && buf[1] === 0x54 && buf[2] === 0x54 && buf[3] === 0x50)
          throw new ProtocolError('HTTP_SERVER', 'the server answered "HTTP": not a Bolt port');
        if (buf[0] !== 0 || buf[1] !== 0)
          throw new ProtocolError(
            'BAD_HANDSHAKE',
            `expected a handshake reply 00 00 mm MM, got ${hex(buf.subarray(0, 4))}`,
          );
        if (buf[2] === 0 && buf[3] === 0) return this.#close({}, this.#queue.take(4));
        if (buf[3] !== 0xff) {
          const version = { major: buf[3], minor: buf[2] };
          this.setVersion(version);
          return this.#done({ version }, this.#queue.take(4));
        }
        if (buf[2] !== 1)
          throw new ProtocolError(
            'BAD_HANDSHAKE',
            `unknown manifest version ${buf[2]} (only v1 exists)`,
          );
        const count = readVarint(buf, 4);
        if (!count) return undefined;
        if (count.value > 64n)
          throw new ProtocolError('BAD_HANDSHAKE', `a manifest of ${count.value} versions`);
        const capsAt = count.next + Number(count.value) * 4;
        if (buf.length < capsAt) return undefined;
        const caps = readVarint(buf, capsAt);
        if (!caps) return undefined;
        const manifest: VersionProposal[] = [];
        for (let at = count.next; at < capsAt; at += 4) {
          const p = readProposal(buf, at);
          if (p && !isManifestProposal(p)) manifest.push(p);
        }
        const rest = this.#queue.take(caps.next);
        const version = chooseFromManifest(manifest, SUPPORTED_VERSIONS);
        if (!version) return this.#close({ manifest }, rest);
        this.setVersion(version);
        return this.#done({ version, manifest }, rest);
      }
      default:
        return undefined;
    }
  }

  #legacyGuess(rest: Uint8Array): Uint8Array | undefined {
    const version = negotiate(this.#proposals, SUPPORTED_VERSIONS);
    if (!version)
      throw new ProtocolError(
        'NO_COMMON_VERSION',
        'the client offered no version this parser knows; call setVersion()',
      );
    this.setVersion(version);
    return this.#done({ version, proposals: this.#proposals }, rest);
  }

  #done(info: HandshakeInfo, rest: Uint8Array): Uint8Array {
    this.#phase = 'messages';
    this.#options.onHandshake?.({ ...info, version: info.version ?? this.#codec?.version });
    return rest;
  }

  #close(info: HandshakeInfo, rest?: Uint8Array): undefined {
    this.#phase = 'closed';
    this.#options.onHandshake?.(info);
    if (rest && rest.length > 0)
      throw new ProtocolError(
        'BAD_HANDSHAKE',
        'bytes after a handshake that found no common version',
      );
    return undefined;
  }

  #message(body: Uint8Array): void {
    const codec = this.#codec!;
    let msg: Request | Response;
    try {
      msg = this.side === 'client' ? codec.decodeRequest(body) : codec.decodeResponse(body);
    } catch (e) {
      if (!this.#options.onError) throw e;
      this.#options.onError(e as Error, body.slice());
      return;
    }
    if (msg.type === 'SUCCESS') this.#learn(msg.metadata);
    this.#options.onMessage(msg, body);
  }

  /** The server side corrects its version from HELLO SUCCESS (manifest) and the utc echo. */
  #learn(metadata: Record<string, unknown>): void {
    const pv = metadata.protocol_version;
    if (typeof pv === 'string') {
      const v = parseVersion(pv);
      if (v && isVersionIn(v, SUPPORTED_VERSIONS) && !sameVersion(v, this.#codec!.version))
        this.setVersion(v);
    }
    const patch = metadata.patch_bolt;
    const codec = this.#codec!;
    if (Array.isArray(patch) && patch.includes('utc') && codec.features.utcPatch && !codec.utc)
      codec.enableUtcPatch();
  }
}
