import { ChunkWriter, Dechunker } from '@bolt/chunking';
import { atLeast, type BoltVersion, fromHex, SUPPORTED_VERSIONS } from '../src/internal.js';

/**
 * Supported versions in a range like "3-" (3.0 and later), "1-2" (1.x to 2.x), "4.3-4.4".
 * An upper bound without a minor covers every minor of that major.
 */
export function versionsIn(range: string): BoltVersion[] {
  const [from, to] = range.split('-');
  const [loMajor, loMinor = 0] = from.split('.').map(Number);
  const hi = to ? to.split('.').map(Number) : undefined;
  return SUPPORTED_VERSIONS.filter((v) => {
    if (!atLeast(v, loMajor, loMinor)) return false;
    if (!hi) return true;
    return hi.length === 1 ? v.major <= hi[0] : !atLeast(v, hi[0], hi[1] + 1);
  });
}

/** The message bodies in a framed byte stream. */
export function unframe(bytes: Uint8Array | string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const d = new Dechunker({ onMessage: (m) => out.push(m.slice()) });
  d.push(typeof bytes === 'string' ? fromHex(bytes) : bytes);
  return out;
}

/** Runs `write` against a fresh ChunkWriter and returns the framed bytes. */
export function framed(write: (out: ChunkWriter) => void): Uint8Array {
  const w = new ChunkWriter();
  write(w);
  return w.flush();
}
