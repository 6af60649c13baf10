import { describeReason, type FailedMessage, failedMessageReport } from './failed-message.js';
import type {
  ConnectOptions,
  Listener,
  ListenerModule,
  ListenOptions,
  NetModule,
  ReceiveHandler,
  Transport,
} from './net-module.js';

/** One thing seen by a {@link recording} wrapper. */
export interface RecordedEvent {
  /** Connection number, 1, 2, ... in the order the wrapper saw connections open. */
  connection: number;
  /** `'client'` for transports from `connect()`, `'server'` for accepted ones (or as given to `wrap()`). */
  side: 'client' | 'server';
  /** The peer's address. */
  remoteAddress: string;
  /** `'open'`; `'out'` bytes we wrote; `'in'` bytes we received; `'end-out'` we called `end()`;
   *  `'end-in'` the peer ended (or the connection died: see `error`); `'destroy'` we called
   *  `destroy()`; `'close'` closed for good (see `error`). */
  kind: 'open' | 'out' | 'in' | 'end-out' | 'end-in' | 'destroy' | 'close';
  /** When, from `RecordingOptions.now` (default `Date.now()`, ms since the epoch). */
  at: number;
  /** The bytes of `'out'` and `'in'` events (a copy unless `copyBytes` is false). */
  bytes?: Uint8Array;
  /** The error of `'end-in'`, `'destroy'` or `'close'`, if any. */
  error?: Error;
}

/** Options of {@link recording}. */
export interface RecordingOptions {
  /** Keep at most this many events (a ring buffer: the oldest are dropped). 0 keeps none (use
   *  `sink`). Default 10000. */
  maxEvents?: number;
  /** Copy the bytes of each event, so later mutation by the writer or the handler cannot change
   *  the record. Default true. */
  copyBytes?: boolean;
  /** Called synchronously with every event as it happens (live logging). Default: none. A
   *  throwing sink is ignored, never breaking the connection. */
  sink?: (event: RecordedEvent) => void;
  /** The clock for `at`. Default `Date.now`. */
  now?: () => number;
  /** Where `saveFailed()` writes the failed message (raw bytes) and, next to it with a `.txt`
   *  suffix, a description (reason, time, length, hex dump). Default: not written, only kept in
   *  `lastFailed`. Needs `writeFile`. */
  failedMessagePath?: string;
  /** Writes a file; the portable entry has none. On Node pass `writeFileNode` from
   *  `@bolt/net-adapters/node`. Default: none. */
  writeFile?: (path: string, data: Uint8Array) => Promise<void> | void;
}

/** What a recording wrapper adds to the module it wraps. */
export interface Recorder {
  /** The kept events, oldest first (a fresh array on each read). */
  readonly log: RecordedEvent[];
  /** Events dropped from the ring buffer so far. */
  readonly dropped: number;
  /** The last message given to `saveFailed()`. */
  readonly lastFailed: FailedMessage | undefined;
  /** Keep `bytes` (one message that failed to decode) and why; write it to
   *  `failedMessagePath` when configured. Resolves the path written, or undefined. Rejects
   *  only if `writeFile` fails. */
  saveFailed(bytes: Uint8Array, reason: unknown): Promise<string | undefined>;
  /** Record an existing transport (e.g. one side of a `memoryPair`). */
  wrap(transport: Transport, side?: 'client' | 'server'): Transport;
  /** Forget the kept events and the drop count. */
  clear(): void;
}

/** The wrapper's type: the module interfaces `M` has, plus {@link Recorder}. */
export type Recorded<M> = (M extends NetModule ? NetModule : unknown) &
  (M extends ListenerModule ? ListenerModule : unknown) &
  Recorder;

/**
 * Wrap any module (client side, listener side or both) so that every byte in each direction is
 * recorded with a timestamp, kept in a bounded ring buffer and/or streamed to a sink, and the
 * last message that failed to decode can be saved to a file for debugging. The transports it
 * hands out behave exactly like the inner ones.
 */
export function recording<M extends NetModule | ListenerModule>(
  inner: M,
  options: RecordingOptions = {},
): Recorded<M> {
  const events = new EventRing(options.maxEvents ?? 10_000, options.sink);
  const now = options.now ?? Date.now;
  const copy = options.copyBytes ?? true;
  let nextConnection = 1;
  let lastFailed: FailedMessage | undefined;
  const wrap = (transport: Transport, side: 'client' | 'server' = 'client'): Transport =>
    recordedTransport(transport, {
      connection: nextConnection++,
      side,
      now,
      copy,
      record: (e) => events.record(e),
    });

  const recorder: Recorder & { name: string } & Partial<NetModule & ListenerModule> = {
    name: `recording(${inner.name})`,
    get log() {
      return events.inOrder();
    },
    get dropped() {
      return events.dropped;
    },
    get lastFailed() {
      return lastFailed;
    },
    async saveFailed(bytes, reason) {
      const failed: FailedMessage = {
        bytes: bytes.slice(),
        reason: describeReason(reason),
        at: now(),
      };
      lastFailed = failed;
      const path = options.failedMessagePath;
      if (!path || !options.writeFile) return undefined;
      await options.writeFile(path, failed.bytes);
      await options.writeFile(`${path}.txt`, new TextEncoder().encode(failedMessageReport(failed)));
      return path;
    },
    wrap,
    clear() {
      events.clear();
    },
  };
  if ('connect' in inner && typeof inner.connect === 'function') {
    const module = inner as NetModule;
    recorder.connect = async (connect: ConnectOptions) =>
      wrap(await module.connect(connect), 'client');
  }
  if ('listen' in inner && typeof inner.listen === 'function') {
    const module = inner as ListenerModule;
    recorder.listen = (
      listen: ListenOptions,
      onConnection: (t: Transport) => void,
    ): Promise<Listener> =>
      module.listen(listen, (transport) => onConnection(wrap(transport, 'server')));
  }
  return recorder as unknown as Recorded<M>;
}

/** The kept events: a bounded ring (the oldest dropped first, counted) and an optional sink. */
class EventRing {
  private readonly ring: RecordedEvent[] = [];
  /** Index of the oldest event once the ring is full. */
  private head = 0;
  dropped = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly sink: ((event: RecordedEvent) => void) | undefined,
  ) {}

  record(event: RecordedEvent): void {
    if (this.sink) {
      try {
        this.sink(event);
      } catch {
        // A logging failure must not break the connection.
      }
    }
    if (this.maxEvents <= 0) {
      this.dropped++;
    } else if (this.ring.length < this.maxEvents) {
      this.ring.push(event);
    } else {
      this.ring[this.head] = event;
      this.head = (this.head + 1) % this.maxEvents;
      this.dropped++;
    }
  }

  inOrder(): RecordedEvent[] {
    const { ring, head } = this;
    return ring.length < this.maxEvents
      ? ring.slice()
      : [...ring.slice(head), ...ring.slice(0, head)];
  }

  clear(): void {
    this.ring.length = 0;
    this.head = 0;
    this.dropped = 0;
  }
}

interface RecordedTransportOptions {
  connection: number;
  side: 'client' | 'server';
  now: () => number;
  /** Record copies of the bytes (the caller may reuse its buffers). */
  copy: boolean;
  record(event: RecordedEvent): void;
}

/** `transport`, behaving exactly as before, with every byte and lifecycle step recorded. */
function recordedTransport(transport: Transport, o: RecordedTransportOptions): Transport {
  const { connection, side, now, record } = o;
  const remoteAddress = transport.remoteAddress;
  const base = () => ({ connection, side, remoteAddress, at: now() });
  const bytesOf = (chunk: Uint8Array) => (o.copy ? chunk.slice() : chunk);
  record({ ...base(), kind: 'open' });
  void transport.closed.then((error) => record({ ...base(), kind: 'close', error }));
  return {
    get remoteAddress() {
      return transport.remoteAddress;
    },
    get localAddress() {
      return transport.localAddress;
    },
    get encrypted() {
      return transport.encrypted;
    },
    closed: transport.closed,
    receive(handler: ReceiveHandler) {
      transport.receive({
        onData(chunk) {
          record({ ...base(), kind: 'in', bytes: bytesOf(chunk) });
          handler.onData(chunk);
        },
        onEnd(error) {
          record({ ...base(), kind: 'end-in', error });
          handler.onEnd(error);
        },
      });
    },
    write(chunk) {
      const ok = transport.write(chunk);
      record({ ...base(), kind: 'out', bytes: bytesOf(chunk) });
      return ok;
    },
    drained: () => transport.drained(),
    pause: () => transport.pause(),
    resume: () => transport.resume(),
    end() {
      record({ ...base(), kind: 'end-out' });
      transport.end();
    },
    destroy(error) {
      record({ ...base(), kind: 'destroy', error });
      transport.destroy(error);
    },
  };
}
