/** A message that failed to decode, with why and when. */
export interface FailedMessage {
  bytes: Uint8Array;
  reason: string;
  at: number;
  /** The peer it came from (`host:port`), when known. */
  peer?: string;
}

/** Writes a file (`writeFileNode` from `@bolt/net-adapters/node` on Node). */
export type WriteFile = (path: string, data: Uint8Array) => Promise<void> | void;

/** Options of {@link failedMessageWriter}. */
export interface FailedMessageWriterOptions {
  /** The folder the files go to. Required. */
  dir: string;
  /** How to write a file. Required (the portable entry has no file system). */
  writeFile: WriteFile;
  /** Clock for the file names and reports. Default `Date.now`. */
  now?: () => number;
}

/** Writes every message it is given to a folder (see {@link failedMessageWriter}). */
export interface FailedMessageWriter {
  readonly dir: string;
  /** Copy `bytes` at once, then write `<dir>/bolt-failed-<time>-<n>.bin` (the raw bytes) and
   *  `….bin.txt` (reason, time, peer, length, hex dump). Resolves the `.bin` path; rejects only
   *  when `writeFile` fails. */
  save(bytes: Uint8Array, reason: unknown, peer?: string): Promise<string>;
}

/**
 * A writer for messages that failed to decode (the `failedMessageDir` option of the client and
 * the server uses one): each gets a raw `.bin` file, for replaying through a decoder, and a
 * `.bin.txt` report with the reason and a hex dump.
 */
export function failedMessageWriter(options: FailedMessageWriterOptions): FailedMessageWriter {
  if (typeof options?.dir !== 'string' || options.dir === '')
    throw new TypeError('failedMessageWriter: dir must be a folder path');
  if (typeof options.writeFile !== 'function')
    throw new TypeError('failedMessageWriter: writeFile is required');
  const now = options.now ?? Date.now;
  const dir = options.dir.replace(/[\\/]+$/, '');
  let count = 0;
  return {
    dir,
    async save(bytes, reason, peer) {
      const failed: FailedMessage = {
        bytes: bytes.slice(),
        reason: describeReason(reason),
        at: now(),
      };
      if (peer !== undefined) failed.peer = peer;
      const stamp = new Date(failed.at).toISOString().replace(/[:.]/g, '-');
      const path = `${dir}/bolt-failed-${stamp}-${++count}.bin`;
      await options.writeFile(path, failed.bytes);
      await options.writeFile(`${path}.txt`, new TextEncoder().encode(failedMessageReport(failed)));
      return path;
    },
  };
}

/** `Name CODE: message` for an Error, else the value as text. */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) {
    const code = (reason as { code?: unknown }).code;
    return `${reason.name}${code !== undefined ? ` ${String(code)}` : ''}: ${reason.message}`;
  }
  return String(reason);
}

/** Hex dump limit of the report; the raw file always has every byte. */
const HEX_LIMIT = 65536;

/** The text report of a failed message: reason, time, peer, length and a hex dump. */
export function failedMessageReport(failed: FailedMessage): string {
  const lines = [
    'Bolt message that failed to decode',
    `time:   ${new Date(failed.at).toISOString()}`,
    ...(failed.peer !== undefined ? [`peer:   ${failed.peer}`] : []),
    `reason: ${failed.reason}`,
    `length: ${failed.bytes.length} bytes`,
    '',
  ];
  const shown = failed.bytes.subarray(0, HEX_LIMIT);
  for (let offset = 0; offset < shown.length; offset += 16) {
    const row = Array.from(shown.subarray(offset, offset + 16), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join(' ');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${row}`);
  }
  if (failed.bytes.length > HEX_LIMIT) {
    lines.push(`... ${failed.bytes.length - HEX_LIMIT} more bytes in the raw file`);
  }
  return `${lines.join('\n')}\n`;
}
