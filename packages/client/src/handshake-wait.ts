import type { BoltVersion, ClientHandshake } from '@bolt/parser';
import { abortError, BoltError, SERVICE_UNAVAILABLE } from './bolt-error.js';
import { refused } from './connection-checks.js';

/** What the handshake settled: the version, the manifest choice to send (or nothing), and the
 *  bytes that came after the answer. */
export interface Negotiated {
  version: BoltVersion;
  send: Uint8Array;
  rest: Uint8Array;
}

/**
 * The Bolt handshake in flight: the server's answer goes to the parser's `ClientHandshake` as it
 * arrives, until a version is agreed (`done` resolves) or the handshake fails (`done` rejects
 * with a `protocol-refused`, `could-not-connect` or `aborted` BoltError).
 */
export class HandshakeWait {
  readonly done: Promise<Negotiated>;
  private settled = false;
  /** A byte of the server's answer arrived. */
  private answered = false;
  private resolve!: (n: Negotiated) => void;
  private reject!: (e: BoltError) => void;

  constructor(
    private readonly shake: ClientHandshake,
    private readonly address: string,
    signal: AbortSignal,
  ) {
    this.done = new Promise<Negotiated>((resolve, reject) => {
      const onAbort = () => this.fail(abortError(signal, `the handshake with ${address}`));
      this.resolve = (n) => {
        signal.removeEventListener('abort', onAbort);
        resolve(n);
      };
      this.reject = (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      };
      this.dispose = () => {
        this.settled = true;
        signal.removeEventListener('abort', onAbort);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    // Whoever starts the handshake awaits `done`; a rejection after it gave up is not news.
    this.done.catch(() => {});
  }

  /** Stop waiting without settling `done` (the hello could not be written). */
  dispose!: () => void;

  /** Bytes from the server. True once the handshake is over (later bytes are not its). */
  push(chunk: Uint8Array): boolean {
    if (this.settled) return true;
    this.answered ||= chunk.length > 0;
    let r: ReturnType<ClientHandshake['push']>;
    try {
      r = this.shake.push(chunk);
    } catch (e) {
      this.fail(refused(e, this.address));
      return true;
    }
    if (!r) return false;
    this.settled = true;
    this.resolve(r);
    return true;
  }

  /** The transport ended (or failed) before the handshake was over. */
  end(error?: Error): void {
    const how = error ? `reset the connection (${error.message})` : 'closed the connection';
    this.fail(
      this.answered
        ? new BoltError(
            `${this.address} ${how} in the middle of the Bolt handshake: it is probably not a Bolt server`,
            { kind: 'protocol-refused', code: SERVICE_UNAVAILABLE, retryable: false, cause: error },
          )
        : // Nothing answered yet: what a server at its connection limit (or restarting) does,
          // like a refusal during the TCP connect; worth another try.
          new BoltError(
            `${this.address} ${how} before answering the Bolt handshake: the server may be at its connection limit or restarting (or it is not a Bolt server)`,
            { kind: 'could-not-connect', code: SERVICE_UNAVAILABLE, retryable: true, cause: error },
          ),
    );
  }

  private fail(error: BoltError): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}
