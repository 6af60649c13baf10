/** The consumer of a transport's incoming bytes (see {@link Transport.receive}). */
export interface ReceiveHandler {
  /** A chunk of incoming bytes, in order. The handler owns the chunk (the transport keeps no
   *  reference), so it may keep or mutate it. */
  onData(chunk: Uint8Array): void;
  /** Called exactly once, after the last `onData`: `undefined` when the peer finished sending
   *  (half-close; see {@link Transport.end}) or the transport was closed locally without an
   *  error, or the Error if the connection died. */
  onEnd(error?: Error): void;
}

/**
 * One connection: a duplex byte stream. A networking module only moves bytes; the Bolt client or
 * server does the protocol.
 *
 * Lifecycle: the transport is open after `connect()` resolves (or when handed to a listener's
 * callback). Each direction ends on its own: `end()` finishes our sending side after everything
 * written so far; the peer learns it through `onEnd()`. A transport whose peer ended can still
 * write (modules with half-close support: tcp, tls, memory); the transport is closed for good
 * once both sides ended and the peer's end was delivered to our handler (so register a handler:
 * a transport nobody reads never sees the peer's end), or at once on `destroy()` or a failure.
 */
export interface Transport {
  /** `"host:port"` of the peer, or a descriptive name for memory transports. */
  readonly remoteAddress: string;
  /** `"host:port"` of our end, or a descriptive name for memory transports. */
  readonly localAddress: string;
  /** Whether the bytes travel encrypted (TLS, wss). */
  readonly encrypted: boolean;
  /** Settles once when closed for good: resolves `undefined` on a clean close, or the Error if it
   *  died. Never rejects. */
  readonly closed: Promise<Error | undefined>;
  /** Register the ONE consumer of incoming bytes. Bytes received before are delivered first
   *  (asynchronously, never from inside `receive()`). A second call throws a TypeError. */
  receive(handler: ReceiveHandler): void;
  /** Queue bytes (the caller must not mutate them afterwards). Returns false when the caller
   *  should await `drained()` before writing more; the bytes are still accepted. Throws
   *  TransportError `CLOSED` after `end()`, `destroy()` or once the connection died. */
  write(chunk: Uint8Array): boolean;
  /** Resolves when the bytes queued for sending are below the high-water mark (at once if they
   *  already are); rejects with TransportError `CLOSED` if the transport closes first. */
  drained(): Promise<void>;
  /** Optional: true when every chunk given to `write()` has been handed to the operating system,
   *  so the transport holds none of them any more and the caller may reuse their memory (a
   *  writer that sends from one reused buffer checks it after each `write()`). Undefined when
   *  the transport cannot tell: then a written chunk must never be changed. */
  readonly flushed?: boolean;
  /** Stop delivering `onData` until `resume()`. The peer's writes back up (its `write()` returns
   *  false) where the carrier allows it; see each module for how far. */
  pause(): void;
  /** Deliver again after `pause()`. */
  resume(): void;
  /** Graceful: send everything queued, then half-close our sending side. Idempotent. */
  end(): void;
  /** Abrupt: drop pending writes and close both directions now. The peer sees `onEnd(error)` with
   *  a TransportError `RESET` (tls: see its notes); our own handler gets `onEnd(error)` and `closed` resolves `error`
   *  (`undefined` when none is given). Idempotent. */
  destroy(error?: Error): void;
}

/** Client-side TLS settings (`bolt+s`, `bolt+ssc`, `neo4j+s`, ...). */
export interface TlsClientOptions {
  /** Encrypt the connection. */
  enabled: boolean;
  /** Which certificates to accept. Default `'system'`.
   *  - `'system'`: the runtime's trusted CAs (Node: its bundled root store plus `NODE_EXTRA_CA_CERTS`).
   *  - `'custom'`: only the CAs in `ca`.
   *  - `'all'`: any certificate, self-signed included, without verification (`bolt+ssc`). */
  trust?: 'system' | 'custom' | 'all';
  /** PEM CA certificate(s) for `trust: 'custom'`. */
  ca?: string | string[];
  /** Server name for SNI and hostname verification. Default: `host` (unless it is an IP address). */
  servername?: string;
}

/** Where and how to connect. */
export interface ConnectOptions {
  /** Host name or IP address. */
  host: string;
  /** TCP port. */
  port: number;
  /** Give up when the connection (including the TLS or WebSocket handshake) is not ready within
   *  this many milliseconds; rejects with TransportError `CONNECT_TIMEOUT`. Default 30000. */
  connectTimeoutMs?: number;
  /** Abort the attempt; rejects with TransportError `ABORTED`. Has no effect once connected. */
  signal?: AbortSignal;
  /** TLS settings; default: no TLS. */
  tls?: TlsClientOptions;
}

/** The client side of a networking module. */
export interface NetModule {
  /** A short name for logs (`'tcp'`, `'tls'`, `'websocket'`, `'memory'`, ...). */
  readonly name: string;
  /** Open a connection. Rejects with a TransportError. */
  connect(options: ConnectOptions): Promise<Transport>;
}

/** Where and how to listen. */
export interface ListenOptions {
  /** Interface to bind. Default `'127.0.0.1'`. */
  host?: string;
  /** Port; 0 (the default) picks any free port, reported in `Listener.address`. */
  port?: number;
  /** Closes the listener when aborted. */
  signal?: AbortSignal;
  /** PEM certificate chain and private key, for modules that encrypt (tls; ignored by others). */
  tls?: { cert: string; key: string };
}

/** A bound listener. */
export interface Listener {
  /** The module's name. */
  readonly name: string;
  /** The bound address; `port` is the real port when 0 was asked. */
  readonly address: { host: string; port: number };
  /** Stop accepting new connections. Resolves once no new connection can arrive. Connections
   *  already handed out stay open: they belong to whoever received them. Idempotent. */
  close(): Promise<void>;
}

/** The server side of a networking module. */
export interface ListenerModule {
  /** A short name for logs. */
  readonly name: string;
  /** Bind and call `onConnection` with each accepted transport. If `onConnection` throws, that
   *  transport is destroyed with the error. Rejects with TransportError `LISTEN_FAILED`. */
  listen(options: ListenOptions, onConnection: (transport: Transport) => void): Promise<Listener>;
}

/** A networking module given by value, by factory or by name (`'tcp'`, `'tls'`, `'websocket'`,
 *  or one given to `registerNetModule`), like the Perl driver's `net_module`. */
export type NetModuleInput = NetModule | (() => NetModule) | string;
