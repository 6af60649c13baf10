/**
 * What the seeded tests (damaged answers, damaged requests, hostile routing tables) share: a
 * seedable random source to pick cases, so that a failure names its seed and case and replays,
 * and a bound on how long any call may take to settle.
 */

/** Bolt versions a seeded test picks from: the newest, the 5.x versions where the opening or
 *  the messages changed (5.4 TELEMETRY, 5.1 LOGON), 5.0, 4.4, 4.0 and 3.0. */
export const SAMPLED_VERSIONS: readonly { major: number; minor: number }[] = [
  { major: 5, minor: 8 },
  { major: 5, minor: 4 },
  { major: 5, minor: 1 },
  { major: 5, minor: 0 },
  { major: 4, minor: 4 },
  { major: 4, minor: 0 },
  { major: 3, minor: 0 },
];

/** mulberry32: small, seedable, good enough to pick cases. Numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of `items`, picked by `rnd`. */
export function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)];
}

/** What a call settled with: its value, or its error. */
export interface Settled<T> {
  value?: T;
  error?: unknown;
}

/**
 * Settles like `p` (as `{ value }` or `{ error }`), or rejects after `ms` naming `what`: a call
 * that has not settled by then hangs, and the test says which.
 */
export function settles<T>(p: Promise<T>, what: string, ms = 2000): Promise<Settled<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle in ${ms} ms`)), ms);
  });
  return Promise.race([
    p.then(
      (value) => ({ value }),
      (error) => ({ error }),
    ),
    hang,
  ]).finally(() => clearTimeout(timer));
}

/** Ways to damage bytes on the wire. */
export type Damage = 'flip' | 'truncate' | 'insert' | 'huge-size' | 'chunk-header' | 'none';
export const DAMAGES: readonly Damage[] = [
  'flip',
  'truncate',
  'insert',
  'huge-size',
  'chunk-header',
  'none',
];

/** `bytes` damaged one way (a copy, or `bytes` itself for 'none'). */
export function damage(bytes: Uint8Array, how: Damage, rnd: () => number): Uint8Array {
  const at = () => Math.floor(rnd() * bytes.length);
  const byte = () => Math.floor(rnd() * 256);
  switch (how) {
    case 'flip': {
      const out = bytes.slice();
      for (let i = 1 + Math.floor(rnd() * 3); i > 0; i--) out[at()] = byte();
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at());
    case 'insert': {
      const i = at();
      const junk = Uint8Array.from({ length: 1 + Math.floor(rnd() * 8) }, byte);
      return concat(bytes.subarray(0, i), junk, bytes.subarray(i));
    }
    case 'huge-size': {
      // a STRING32 / LIST32 / MAP32 / BYTES32 marker claiming about 2 GiB, where a value starts
      const marker = [0xd2, 0xd6, 0xda, 0xcc][Math.floor(rnd() * 4)];
      const i = at();
      return concat(
        bytes.subarray(0, i),
        Uint8Array.of(marker, 0x7f, 0xff, 0xff, 0xf0),
        bytes.subarray(i),
      );
    }
    case 'chunk-header': {
      // the first chunk header claims more (or less) than follows
      const out = bytes.slice();
      out[0] = byte();
      out[1] = byte();
      return out;
    }
    case 'none':
      return bytes;
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}
