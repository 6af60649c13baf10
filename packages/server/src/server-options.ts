import { type FailedMessageWriter, failedMessageWriter, type WriteFile } from '@bolt/net-adapters';
import type { StructSpec } from '@bolt/packstream';
import {
  type BoltVersion,
  customStructs,
  formatVersion,
  isVersionIn,
  parseVersion,
  type StructsFor,
  SUPPORTED_VERSIONS,
} from '@bolt/parser';
import type { Handler, QueryFunction } from './handler.js';
import type { Logger } from './logger.js';
import { type Clock, isClock, systemClock } from './session/clock.js';
import { SERVER_AGENT } from './version.js';

/** Options of {@link createServer}. Only `handler` is required. */
export interface ServerOptions {
  /** The server logic: a {@link Handler} object or a plain {@link QueryFunction}. */
  handler: Handler | QueryFunction;
  /** The `server` agent string in HELLO SUCCESS, `"Name/Version"`. Default
   *  `'BoltServer/<version>'`, the version of this package (e.g. `'BoltServer/1.2.0'`).
   *  Set `'Neo4j/5.26.0'` to look like Neo4j to tools that parse it. */
  agent?: string;
  /** Prefix of the `connection_id` sent in HELLO SUCCESS. Default `'bolt-'` (`bolt-1`, `bolt-2`, ...). */
  connectionIdPrefix?: string;
  /** Versions this server negotiates, as `'5.4'` or `{ major: 5, minor: 4 }`. Each must be one
   *  of the parser's `SUPPORTED_VERSIONS` (1.0, 2.0, 3.0, 4.0–4.4, 5.0–5.4, 5.6–5.8, 6.0, 6.1);
   *  anything else is a TypeError at `createServer`. Default: all of them. */
  versions?: readonly (BoltVersion | string)[];
  /** Answer handshake manifest v1 requests (5.7+ clients). Default true. */
  manifest?: boolean;
  /** Address (`host:port`) this server advertises in its default routing table. Default: the
   *  local address of the connection the ROUTE arrived on. */
  advertisedAddress?: string;
  /** Send the `connection.recv_timeout_seconds` hint (4.3+) with this value, and keep the
   *  promise by writing NOOP chunks (4.1+) while a handler is busy. Default: no hint, no NOOPs. */
  recvTimeoutSeconds?: number;
  /** Interval of NOOP keep-alives while a handler is busy, in ms. Default: a third of
   *  `recvTimeoutSeconds` when that is set, else off. 0 turns them off. */
  keepAliveIntervalMs?: number;
  /** The `telemetry.enabled` hint (5.4+): invite clients to send TELEMETRY. Default false. */
  telemetry?: boolean;
  /** The `ssr.enabled` hint (5.8+): server-side routing is available. Default false. */
  serverSideRouting?: boolean;
  /** Most simultaneous connections; more are closed at once. Default 1000. */
  maxConnections?: number;
  /** Largest request message accepted, in bytes; a bigger one is answered
   *  `Neo.ClientError.Request.Invalid` and the connection closed. Default 16 MiB. */
  maxMessageSize?: number;
  /** A client must finish the handshake and authenticate (HELLO, and LOGON on 5.1+) within this
   *  many ms of connecting, or it is dropped; after a LOGOFF, it has as long again to LOGON.
   *  Default 10,000. */
  handshakeTimeoutMs?: number;
  /** A connection with no request in flight, no open result or transaction, and nothing
   *  received or answered for this long is closed. Default 1,800,000 (30 minutes); 0 disables. */
  idleTimeoutMs?: number;
  /** Requests decoded but not yet processed above which reading pauses (read back-pressure).
   *  Default 10,000. */
  maxQueuedRequests?: number;
  /** Response bytes buffered before they are handed to the transport mid-result. Default 64 KiB. */
  flushThreshold?: number;
  /** How integers in parameters arrive: `'auto'` (number when safe, bigint beyond) or always
   *  `'bigint'`. Default `'auto'`. */
  integers?: 'auto' | 'bigint';
  /** Logging; debug logs every message in and out (credentials redacted). Default: none. */
  logger?: Logger;
  /** The time source of every timeout (handshake, idle, keep-alive, shutdown grace) and of the
   *  times in summaries. Default: the system clock (`Date.now()` and the global timers). Tests
   *  pass a manual clock to drive timeouts without waiting. */
  clock?: Clock;
  /** Custom structure types: each spec maps a tag to your class (`hydrate`, for parameters) and,
   *  with `type` + `dehydrate`, your class to the structure (for records), over the Bolt types of
   *  the negotiated version. Default: none (unknown tags arrive as `Structure`). */
  structs?: readonly StructSpec<any>[];
  /** Write every request that fails to decode to this folder: the raw bytes
   *  (`bolt-failed-<time>-<n>.bin`) and a report with the reason, the client's address and a hex
   *  dump (`….bin.txt`). Default: none. */
  failedMessageDir?: string;
  /** How `failedMessageDir` files are written. Default: `node:fs` (loaded on first use, so the
   *  server still runs where there is none). */
  writeFile?: WriteFile;
}

/** {@link ServerOptions} with every default applied. */
export interface ResolvedServerOptions {
  agent: string;
  connectionIdPrefix: string;
  versions: readonly BoltVersion[];
  manifest: boolean;
  advertisedAddress: string | undefined;
  recvTimeoutSeconds: number | undefined;
  keepAliveIntervalMs: number;
  telemetry: boolean;
  serverSideRouting: boolean;
  maxConnections: number;
  maxMessageSize: number;
  handshakeTimeoutMs: number;
  idleTimeoutMs: number;
  maxQueuedRequests: number;
  flushThreshold: number;
  integers: 'auto' | 'bigint';
  logger: Logger;
  clock: Clock;
  /** The struct registry per version, from `structs`; undefined: the Bolt types only. */
  structs: StructsFor | undefined;
  /** From `failedMessageDir`; undefined: failed requests are not written. */
  failedMessages: FailedMessageWriter | undefined;
}

export function resolveServerOptions(
  options: ServerOptions,
  defaultVersions: readonly BoltVersion[],
): ResolvedServerOptions {
  const recv = options.recvTimeoutSeconds;
  if (recv !== undefined && !(Number.isInteger(recv) && recv > 0))
    throw new TypeError(`recvTimeoutSeconds must be a positive integer, got ${recv}`);
  const clock = options.clock ?? systemClock;
  if (!isClock(clock))
    throw new TypeError('clock must have now(), setTimeout() and clearTimeout()');
  const positive = (name: string, v: number | undefined, d: number, allowZero = false): number => {
    if (v === undefined) return d;
    if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
      throw new TypeError(
        `${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${v}`,
      );
    return v;
  };
  return {
    agent: options.agent ?? SERVER_AGENT,
    connectionIdPrefix: options.connectionIdPrefix ?? 'bolt-',
    versions: options.versions === undefined ? defaultVersions : checkVersions(options.versions),
    manifest: options.manifest ?? true,
    advertisedAddress: options.advertisedAddress,
    recvTimeoutSeconds: recv,
    keepAliveIntervalMs: positive(
      'keepAliveIntervalMs',
      options.keepAliveIntervalMs,
      recv === undefined ? 0 : Math.max(1, Math.floor((recv * 1000) / 3)),
      true,
    ),
    telemetry: options.telemetry ?? false,
    serverSideRouting: options.serverSideRouting ?? false,
    maxConnections: positive('maxConnections', options.maxConnections, 1000),
    maxMessageSize: positive('maxMessageSize', options.maxMessageSize, 16 * 1024 * 1024),
    handshakeTimeoutMs: positive('handshakeTimeoutMs', options.handshakeTimeoutMs, 10_000),
    idleTimeoutMs: positive('idleTimeoutMs', options.idleTimeoutMs, 1_800_000, true),
    maxQueuedRequests: positive('maxQueuedRequests', options.maxQueuedRequests, 10_000),
    flushThreshold: positive('flushThreshold', options.flushThreshold, 64 * 1024),
    integers: options.integers ?? 'auto',
    logger: options.logger ?? {},
    clock,
    structs: options.structs?.length ? customStructs(options.structs) : undefined,
    failedMessages:
      options.failedMessageDir === undefined
        ? undefined
        : failedMessageWriter({
            dir: options.failedMessageDir,
            writeFile: options.writeFile ?? writeFileWithNodeFs,
          }),
  };
}

/** `versions` as version objects, newest first; a TypeError for anything that is not a Bolt
 *  version this server implements. */
function checkVersions(list: readonly (BoltVersion | string)[]): readonly BoltVersion[] {
  if (!Array.isArray(list) || list.length === 0)
    throw new TypeError("versions must be a non-empty list of Bolt versions, e.g. ['5.4', '4.4']");
  const known = SUPPORTED_VERSIONS.map(formatVersion).join(', ');
  const out = list.map((v, i): BoltVersion => {
    const parsed =
      typeof v === 'string'
        ? parseVersion(v)
        : v !== null &&
            typeof v === 'object' &&
            Number.isInteger(v.major) &&
            Number.isInteger(v.minor)
          ? { major: v.major, minor: v.minor }
          : undefined;
    if (parsed === undefined)
      throw new TypeError(
        `versions[${i}] is ${JSON.stringify(v)}: give a version as '5.4' or { major: 5, minor: 4 }`,
      );
    if (!isVersionIn(parsed, SUPPORTED_VERSIONS))
      throw new TypeError(
        `versions[${i}]: Bolt ${formatVersion(parsed)} does not exist or is not implemented (known: ${known})`,
      );
    return parsed;
  });
  return out.sort((a, b) => b.major - a.major || b.minor - a.minor);
}

/** The default `writeFile`: `node:fs`, loaded when the first file is written. */
async function writeFileWithNodeFs(path: string, data: Uint8Array): Promise<void> {
  const fs = await import('node:fs/promises');
  const dir = path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')));
  if (dir) await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path, data);
}
