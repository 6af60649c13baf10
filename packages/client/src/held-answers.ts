/** What a connection received while a security FAILURE was being decided. */
type HeldEvent =
  | { kind: 'message'; bytes: Uint8Array }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'end'; error: Error | undefined };

/** The receiving side of a connection, where held answers are handled once released. */
export interface HeldAnswersHost {
  /** Answers held back now (another decision started while these were handled). */
  readonly _held: HeldAnswers | undefined;
  /** A whole message (one that cannot be decoded ends the connection). */
  _replayMessage(bytes: Uint8Array): void;
  /** Bytes from the transport. */
  _receive(chunk: Uint8Array): void;
  /** The transport ended. */
  _receiveEnd(error?: Error): void;
}

/**
 * What a connection receives while the credentials decide about a security FAILURE (the
 * messages after it, more bytes, the server closing), held back in order and handled once the
 * FAILURE's observer has been told: nobody learns of what followed a failure before it is
 * decided.
 */
export class HeldAnswers {
  private readonly events: HeldEvent[] = [];

  /** A message of the chunk being read (copied: the chunk is not ours to keep). */
  message(bytes: Uint8Array, start: number, end: number): void {
    this.events.push({ kind: 'message', bytes: bytes.slice(start, end) });
  }

  bytes(chunk: Uint8Array): void {
    this.events.push({ kind: 'bytes', bytes: chunk.slice() });
  }

  end(error: Error | undefined): void {
    this.events.push({ kind: 'end', error });
  }

  /** Handle what was held on `host`, in order, until another decision holds the rest there. */
  replayOn(host: HeldAnswersHost): void {
    const events = this.events;
    for (let i = 0; i < events.length; i++) {
      const again = host._held;
      if (again !== undefined) {
        again.events.push(...events.slice(i));
        return;
      }
      const e = events[i];
      if (e.kind === 'message') host._replayMessage(e.bytes);
      else if (e.kind === 'bytes') host._receive(e.bytes);
      else host._receiveEnd(e.error);
    }
  }
}
