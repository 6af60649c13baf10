/** Terminal output: colour only when the stream is a TTY (and NO_COLOR is not set). */
import type { Writable } from 'node:stream';

export interface Output {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
}

const processOutput: Output = { stdout: process.stdout, stderr: process.stderr };

export function defaultOutput(): Output {
  return processOutput;
}

/** SGR colour codes used by the commands. */
export type Colour = 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'bold';

const CODES: Record<Colour, string> = {
  dim: '30;1',
  red: '31',
  green: '32',
  yellow: '33',
  cyan: '36',
  bold: '1',
};

/** A painter for one stream: identity when the stream is not a terminal. */
export function painter(stream: { isTTY?: boolean }): (colour: Colour, text: string) => string {
  const on = stream.isTTY === true && !('NO_COLOR' in process.env);
  return on ? (colour, text) => `\x1b[${CODES[colour]}m${text}\x1b[0m` : (_, text) => text;
}

/** `HH:MM:SS.mmm`, local time. */
export function clock(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Thrown by a command for a usage mistake: printed with the command's help hint, exit 64. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `HOST:PORT`, `:PORT` or `[v6]:PORT` (HOST defaults to `defaultHost`). */
export function parseAddress(text: string, defaultHost: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d+))?$/.exec(text.trim());
  const port = m?.[3] === undefined ? Number.NaN : Number(m[3]);
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`expected HOST:PORT, got "${text}"`);
  }
  return { host: m[1] ?? (m[2] || defaultHost), port };
}
