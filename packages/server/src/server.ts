import type { Listener, ListenerModule, ListenOptions, Transport } from '@bolt/net-adapters';
import { SUPPORTED_VERSIONS } from '@bolt/parser';
import type { Handler, QueryFunction, RunResult } from './handler.js';
import { rowsResult } from './result-cursor.js';
import {
  type ResolvedServerOptions,
  resolveServerOptions,
  type ServerOptions,
} from './server-options.js';
import { BoltSession, type SessionHost } from './session/bolt-session.js';

/** A running Bolt server. */
export interface BoltServer {
  /** Start listening through a networking module (`tcp()`, `tls()`, `websocketListener()`,
   *  `memoryNetwork().listener`). Call it several times to serve several at once. */
  listen(module: ListenerModule, options?: ListenOptions): Promise<Listener>;
  /** Serve one already-connected transport (e.g. the server end of `memoryPair()`).
   *  `listener` names it in {@link ConnectionInfo.listener}; default `'accept'`. */
  accept(transport: Transport, listener?: string): void;
  /**
   * Stop accepting, let the work in flight (open results and transactions) finish for up to
   * `graceMs` (default 5000), then abort what remains (handlers see their signal fire) and close
   * every connection. Resolves when all listeners and connections are closed.
   */
  close(options?: { graceMs?: number }): Promise<void>;
  /** Connections currently open. */
  readonly connections: number;
  /** The options in force, defaults applied. */
  readonly options: Readonly<ResolvedServerOptions>;
}

/** Create a server. It serves nothing until {@link BoltServer.listen} or {@link BoltServer.accept}. */
export function createServer(options: ServerOptions): BoltServer {
  if (options === null || typeof options !== 'object' || options.handler === undefined)
    throw new TypeError('createServer: options.handler is required');
  return new Server(options);
}

class Server implements BoltServer, SessionHost {
  readonly options: ResolvedServerOptions;
  readonly handler: Handler;
  private readonly sessions = new Set<BoltSession>();
  private readonly listeners = new Set<Listener>();
  private nextId = 1;
  private closing: Promise<void> | undefined;

  constructor(options: ServerOptions) {
    this.options = resolveServerOptions(options, SUPPORTED_VERSIONS);
    this.handler = normalizeHandler(options.handler);
  }

  get connections(): number {
    return this.sessions.size;
  }

  async listen(module: ListenerModule, options: ListenOptions = {}): Promise<Listener> {
    if (this.closing) throw new Error('listen: the server is closed');
    const listener = await module.listen(options, (transport) =>
      this.accept(transport, module.name),
    );
    if (this.closing) {
      await listener.close();
      throw new Error('listen: the server was closed while the listener started');
    }
    this.listeners.add(listener);
    const { host, port } = listener.address;
    this.options.logger.info?.(`listening (${module.name}) on ${host}:${port}`);
    return listener;
  }

  accept(transport: Transport, listener = 'accept'): void {
    if (this.closing) {
      transport.destroy();
      return;
    }
    if (this.sessions.size >= this.options.maxConnections) {
      this.options.logger.warn?.(
        `refusing ${transport.remoteAddress}: ${this.options.maxConnections} connections open (maxConnections)`,
      );
      transport.destroy();
      return;
    }
    const id = `${this.options.connectionIdPrefix}${this.nextId++}`;
    const session = new BoltSession(transport, listener, id, this);
    this.sessions.add(session);
    this.options.logger.debug?.(`${id} accepted ${transport.remoteAddress} (${listener})`);
    session.start();
  }

  sessionEnded(session: BoltSession): void {
    this.sessions.delete(session);
  }

  close(options: { graceMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(options.graceMs ?? 5000);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const listeners = [...this.listeners];
    this.listeners.clear();
    await Promise.all(listeners.map((l) => l.close().catch(() => undefined)));
    await Promise.all([...this.sessions].map((s) => s.shutdown(graceMs)));
    this.sessions.clear();
  }
}

/** Turn a plain query function into a Handler; a Handler object is used as is (also used by
 *  `createCluster`). */
export function normalizeHandler(handler: Handler | QueryFunction): Handler {
  if (typeof handler === 'function') {
    return {
      run(query, parameters, context) {
        const r = handler(query, parameters, context);
        return r !== null && typeof (r as Promise<unknown>).then === 'function'
          ? (r as Promise<readonly Record<string, unknown>[] | RunResult>).then(toRunResult)
          : toRunResult(r as readonly Record<string, unknown>[] | RunResult);
      },
    };
  }
  if (handler === null || typeof handler !== 'object' || typeof handler.run !== 'function')
    throw new TypeError('createServer: handler must be a function or an object with run()');
  return handler;
}

function toRunResult(r: readonly Record<string, unknown>[] | RunResult): RunResult {
  if (Array.isArray(r)) return rowsResult(r as readonly Record<string, unknown>[]);
  if (r === undefined || r === null) return { fields: [] };
  return r as RunResult;
}
