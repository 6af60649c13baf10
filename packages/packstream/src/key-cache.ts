// Map keys up to this many bytes are interned (records repeat the same keys).
export const MAX_KEY = 40;
const SLOTS = 4096;

/**
 * Interned ASCII map keys, one per hash slot (a newer key replaces an older one in its slot).
 * Records repeat the keys of their maps, so most keys come back as the string already made,
 * compared byte by byte, with no decoding and no new string.
 *
 * Every decoder of the program uses the one {@link SHARED_KEYS}: a hit is checked byte by byte,
 * so what another decoder put there can only be returned for the very same bytes, and the
 * slots (32 KiB) are paid once instead of by every decoder (a server holding 1,000 connections
 * had two decoders each: 64 MB of slots).
 */
export class KeyCache {
  readonly #slots: (string | undefined)[] = new Array(SLOTS).fill(undefined);

  /** The cached string whose bytes are b[p, p+len), if any (0 < len <= MAX_KEY). */
  get(b: Uint8Array, p: number, len: number): string | undefined {
    const cached = this.#slots[keySlot(b, p, len)];
    if (cached === undefined || cached.length !== len) return undefined;
    // cached keys are ASCII, so UTF-16 units equal bytes
    for (let i = 0; i < len; i++) if (cached.charCodeAt(i) !== b[p + i]) return undefined;
    return cached;
  }

  /** Remember `key`, decoded from b[p, p+len), when it is ASCII. */
  put(b: Uint8Array, p: number, len: number, key: string): void {
    if (key.length === len) this.#slots[keySlot(b, p, len)] = key;
  }
}

/** The slot of the key whose bytes are b[p, p+len). */
export function keySlot(b: Uint8Array, p: number, len: number): number {
  let h = len;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ b[p + i], 0x01000193);
  return (h ^ (h >>> 15)) & (SLOTS - 1);
}

/** The key cache of every decoder. */
export const SHARED_KEYS = new KeyCache();
