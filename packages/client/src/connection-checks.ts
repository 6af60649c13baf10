import type { Transport } from '@bolt/net-adapters';
import { type BoltFeatures, ProtocolError, type Request } from '@bolt/parser';
import { abortError, BoltError, PROTOCOL_ERROR, SERVICE_UNAVAILABLE } from './bolt-error.js';
import type { Clock } from './clock.js';
import type { ConnectionOptions } from './connection-options.js';

// Helpers of Connection that hold no connection state: the deadline of opening,
// the hint a failed connect ends with, the checks on a server's SUCCESS and FAILURE, the errors
// of a refused handshake and of a closed connection, the receive timeout a HELLO's hints ask
// for, and the version-dependent shapes of PULL, DISCARD and the transaction requests.

/** One signal that fires on `signal` or after `timeoutMs` on `clock` (then with the reason
 *  `AbortSignal.timeout` gives: a `TimeoutError`). `clear()` stops the timer and lets go of
 *  `signal` once opening is over. */
export function connectDeadline(
  signal: AbortSignal | undefined,
  timeoutMs: number,
  clock: Clock,
): { signal: AbortSignal; clear(): void } {
  const combined = new AbortController();
  const onSignal = () => combined.abort(signal!.reason);
  if (signal?.aborted) combined.abort(signal.reason);
  else signal?.addEventListener('abort', onSignal, { once: true });
  const timer = clock.setTimeout(
    () =>
      combined.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    timeoutMs,
  );
  return {
    signal: combined.signal,
    clear: () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onSignal);
    },
  };
}

/** The hint a failed connect ends with: what to check, by transport error code. */
export function whatToCheck(e: unknown): string {
  switch ((e as { code?: unknown })?.code) {
    case 'CONNECT_REFUSED':
      return '. Check that the server is running and listens on this host and port (Bolt is usually 7687)';
    case 'CONNECT_TIMEOUT':
      return '. Check the host and port, and that no firewall drops the connection';
    case 'CONNECT_FAILED':
      return '. Check the host name and port, and that the server is reachable from here';
    case 'TLS':
      return /may not speak TLS/.test(String((e as Error).message))
        ? ''
        : ". Check the server's certificate and the trust settings (bolt+s:// trusts the system CAs, bolt+ssc:// any certificate, tls.ca a custom CA)";
    default:
      return '';
  }
}

/** The query types a summary may name (`type`): read, write, read-write, schema. */
const QUERY_TYPES = new Set(['r', 'w', 'rw', 's']);

/** What is wrong with a SUCCESS answering `type`, or undefined: the fields a client relies on
 *  must have their documented types. */
export function wrongSuccess(
  type: Request['type'],
  md: Record<string, unknown>,
): string | undefined {
  if (type === 'RUN' && md.fields !== undefined) {
    const f = md.fields;
    if (!Array.isArray(f) || !f.every(isString))
      return `fields is ${describeValue(f)}, not a list of strings`;
  }
  if (md.has_more !== undefined && typeof md.has_more !== 'boolean')
    return `has_more is ${describeValue(md.has_more)}, not a boolean`;
  if (md.bookmark !== undefined && typeof md.bookmark !== 'string')
    return `bookmark is ${describeValue(md.bookmark)}, not a string`;
  if (md.type !== undefined && !QUERY_TYPES.has(md.type as string))
    return `type is ${describeValue(md.type)}, not one of "r", "w", "rw", "s"`;
  return undefined;
}

/** What is wrong with a FAILURE, or undefined: its code and message must be strings. */
export function wrongFailure(md: Record<string, unknown>): string | undefined {
  for (const key of ['neo4j_code', 'code', 'message'])
    if (md[key] !== undefined && typeof md[key] !== 'string')
      return `${key} is ${describeValue(md[key])}, not a string`;
  return undefined;
}

function isString(v: unknown): boolean {
  return typeof v === 'string';
}

/**
 * A value the server sent, named for an error message: its type, and the value itself when it is
 * short (strings cut at 40 characters). Never throws, whatever the value (bigint, structure,
 * bytes, a map with hostile keys).
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'object') return 'a map';
  return `${typeof v} ${String(v)}`;
}

export function refused(e: unknown, address: string): BoltError {
  if (ProtocolError.isInstance(e)) {
    const what =
      e.code === 'HTTP_SERVER'
        ? 'is an HTTP server, not Bolt'
        : e.code === 'NO_COMMON_VERSION'
          ? 'supports no Bolt version this client offers'
          : 'answered the Bolt handshake with invalid bytes';
    return new BoltError(`${address} ${what}: ${e.message}`, {
      kind: 'protocol-refused',
      code: PROTOCOL_ERROR,
      retryable: false,
      cause: e,
    });
  }
  return new BoltError(`handshake with ${address} failed: ${(e as Error).message}`, {
    kind: 'protocol-refused',
    code: PROTOCOL_ERROR,
    retryable: false,
    cause: e,
  });
}

/** PULL {n, qid} (4.0+) or PULL_ALL. A qid of -1 (the last result) is left out. */
export function pullRequest(f: BoltFeatures, n: number, qid: number | bigint | undefined): Request {
  if (!f.pullN) return { type: 'PULL_ALL' };
  if (n === -1 && (qid === undefined || qid === -1)) return PULL_ALL_LATEST;
  const extra: { n: number; qid?: number | bigint } = { n };
  if (qid !== undefined && qid !== -1) extra.qid = qid;
  return { type: 'PULL', extra };
}

/** PULL {n: -1} (4.0+) of the latest query: the same bytes every time, encoded once per
 *  connection (see `Connection.enqueue`). */
export const PULL_ALL_LATEST: Request = Object.freeze({
  type: 'PULL',
  extra: Object.freeze({ n: -1 }),
});

/** DISCARD {n: -1, qid} (4.0+) or DISCARD_ALL. */
export function discardRequest(f: BoltFeatures, qid: number | bigint | undefined): Request {
  if (!f.pullN) return { type: 'DISCARD_ALL' };
  const extra: { n: number; qid?: number | bigint } = { n: -1 };
  if (qid !== undefined && qid !== -1) extra.qid = qid;
  return { type: 'DISCARD', extra };
}

/** BEGIN / COMMIT / ROLLBACK (3+), or on 1–2 their `RUN "BEGIN"` (bookmarks as a parameter)
 *  + PULL_ALL. */
export function txRequests(
  f: BoltFeatures,
  type: 'BEGIN' | 'COMMIT' | 'ROLLBACK',
  extra: Record<string, unknown> = {},
): Request[] {
  if (f.explicitTx) return [type === 'BEGIN' ? ({ type, extra } as Request) : { type }];
  const bookmarks = extra.bookmarks;
  const parameters =
    type === 'BEGIN' && Array.isArray(bookmarks) && bookmarks.length > 0 ? { bookmarks } : {};
  return [{ type: 'RUN', query: type, parameters, extra: {} } as Request, { type: 'PULL_ALL' }];
}

/** What requests get on a connection closed on this side (close(), destroy(), driver.close()):
 *  retrying cannot help. */
export function closedByClient(address: string): BoltError {
  return new BoltError(`the connection to ${address} was closed by the client`, {
    kind: 'connection-lost',
    code: SERVICE_UNAVAILABLE,
    retryable: false,
  });
}

/** What the other outstanding requests get when a request's own wait was given up (its answer
 *  might still come, so the connection must close): a retryable connection loss, not the
 *  caller's timeout or abort. */
export function abandonedFor(address: string, type: Request['type'], reason: BoltError): BoltError {
  return new BoltError(
    `the connection to ${address} was closed: waiting for the answer to ${type} was given up (${reason.message})`,
    { kind: 'connection-lost', code: SERVICE_UNAVAILABLE, retryable: true, cause: reason },
  );
}

/** The receive timeout (ms) of a HELLO SUCCESS's `connection.recv_timeout_seconds` hint; 0 when
 *  absent, not a positive whole number, or not honoured. */
export function recvTimeoutOf(hints: Record<string, unknown>, honour: boolean): number {
  const rt = hints['connection.recv_timeout_seconds'];
  const seconds = typeof rt === 'bigint' ? Number(rt) : rt;
  return honour && typeof seconds === 'number' && Number.isInteger(seconds) && seconds > 0
    ? seconds * 1000
    : 0;
}

/** The transport to `address` through the connection's network module; a failure is a
 *  `could-not-connect` BoltError (with a hint of what to check), or `aborted` / `timeout` when
 *  `signal` fired. */
export async function connectTransport(
  options: ConnectionOptions,
  address: string,
  signal: AbortSignal,
): Promise<Transport> {
  const hosts = options.domainNameResolver
    ? await resolveHost(options, address, signal)
    : [options.host];
  // a host name resolved to addresses: TLS still checks the certificate for the name
  const tls =
    options.domainNameResolver && options.tls?.enabled && !isIpAddress(options.host)
      ? { ...options.tls, servername: options.tls.servername ?? options.host }
      : options.tls;
  let failure: unknown;
  for (const host of hosts) {
    try {
      return await options.netModule.connect({
        host,
        port: options.port,
        tls,
        connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
        signal,
      });
    } catch (e) {
      if (signal.aborted) throw abortError(signal, `connecting to ${address}`);
      failure = e;
    }
  }
  const tried = hosts.length > 1 || hosts[0] !== options.host ? ` (tried ${hosts.join(', ')})` : '';
  throw new BoltError(
    `could not connect to ${address}${tried} through ${options.netModule.name}: ${(failure as Error)?.message ?? failure}${whatToCheck(failure)}`,
    { kind: 'could-not-connect', code: SERVICE_UNAVAILABLE, cause: failure },
  );
}

/** The addresses `options.domainNameResolver` gives for the host; a resolver that fails or gives
 *  none is a `could-not-connect` BoltError. */
async function resolveHost(
  options: ConnectionOptions,
  address: string,
  signal: AbortSignal,
): Promise<readonly string[]> {
  let hosts: readonly string[];
  try {
    hosts = await options.domainNameResolver!(options.host);
  } catch (e) {
    if (signal.aborted) throw abortError(signal, `resolving ${options.host}`);
    throw new BoltError(
      `could not connect to ${address}: the domain name resolver failed for ${options.host}: ${(e as Error)?.message ?? e}`,
      { kind: 'could-not-connect', code: SERVICE_UNAVAILABLE, cause: e },
    );
  }
  if (signal.aborted) throw abortError(signal, `resolving ${options.host}`);
  if (
    !Array.isArray(hosts) ||
    hosts.length === 0 ||
    hosts.some((h) => typeof h !== 'string' || h === '')
  )
    throw new BoltError(
      `could not connect to ${address}: the domain name resolver gave ${Array.isArray(hosts) && hosts.length === 0 ? 'no address' : 'something other than a list of addresses'} for ${options.host}`,
      { kind: 'could-not-connect', code: SERVICE_UNAVAILABLE },
    );
  return hosts;
}

/** An IPv4 or IPv6 address (no TLS server name is sent for one). */
function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}
