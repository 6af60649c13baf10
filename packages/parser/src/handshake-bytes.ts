import { ProtocolError } from './protocol-error.js';
import { type BoltVersion, formatVersion } from './versions.js';

/** The 4 bytes a Bolt client sends first ("GoGoBolt"). */
export const BOLT_MAGIC: Uint8Array = Uint8Array.of(0x60, 0x60, 0xb0, 0x17);

/**
 * One of the four handshake slots: an exact version, a version with `range` earlier minors of
 * the same major also accepted (4.3+ servers; `{major:5, minor:8, range:8}` = 5.8 … 5.0), or the
 * Handshake Manifest v1 request (`00 00 01 FF`).
 */
export type VersionProposal = { major: number; minor: number; range?: number } | { manifest: 1 };

/** The manifest v1 request word, `00 00 01 FF`. */
export const MANIFEST_V1: VersionProposal = Object.freeze({ manifest: 1 as const });

/**
 * What a client offers by default: manifest, [5.8–5.0], [4.4–4.2], 3.0 — the bytes of the
 * official drivers 5.28+. Versions newer than 5.8 are reached through the manifest.
 */
export const DEFAULT_CLIENT_PROPOSALS: readonly VersionProposal[] = Object.freeze([
  MANIFEST_V1,
  Object.freeze({ major: 5, minor: 8, range: 8 }),
  Object.freeze({ major: 4, minor: 4, range: 2 }),
  Object.freeze({ major: 3, minor: 0 }),
]);

/** The client's answer to a manifest when nothing matches: version 0, capabilities 0. */
export const MANIFEST_NO_MATCH: Uint8Array = Uint8Array.of(0, 0, 0, 0, 0);

/** True for the manifest request proposal. */
export function isManifestProposal(p: VersionProposal): p is { manifest: 1 } {
  return 'manifest' in p;
}

function byte(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 255)
    throw new ProtocolError('BAD_HANDSHAKE', `${name} must be an integer 0…255, got ${v}`);
  return v;
}

/** Writes one proposal as its 32-bit word (`00 RR mm MM`) at `out[offset]`. */
export function writeProposal(p: VersionProposal, out: Uint8Array, offset: number): void {
  if (isManifestProposal(p)) {
    if (p.manifest !== 1)
      throw new ProtocolError('BAD_HANDSHAKE', `only manifest v1 exists, got v${p.manifest}`);
    out.set([0, 0, 1, 0xff], offset);
    return;
  }
  const range = byte('range', p.range ?? 0);
  const minor = byte('minor', p.minor);
  const major = byte('major', p.major);
  if (range > minor)
    throw new ProtocolError(
      'BAD_HANDSHAKE',
      `a range cannot cross majors: ${major}.${minor} with range ${range}`,
    );
  out.set([0, range, minor, major], offset);
}

/** Reads a 32-bit proposal word. `00 00 00 00` (an unused slot) gives undefined. */
export function readProposal(bytes: Uint8Array, offset: number): VersionProposal | undefined {
  const range = bytes[offset + 1];
  const minor = bytes[offset + 2];
  const major = bytes[offset + 3];
  if (major === 0 && minor === 0 && range === 0) return undefined;
  if (major === 0xff && minor === 1) return { manifest: 1 };
  return range === 0 ? { major, minor } : { major, minor, range };
}

/** The exact versions a proposal covers, newest first (empty for the manifest request). */
export function expandProposal(p: VersionProposal): BoltVersion[] {
  if (isManifestProposal(p)) return [];
  const low = Math.max(0, p.minor - (p.range ?? 0));
  const out: BoltVersion[] = [];
  for (let minor = p.minor; minor >= low; minor--) out.push({ major: p.major, minor });
  return out;
}

/** `"manifest v1"`, `"5.8"`, or `"[5.8–5.0]"`. */
export function formatProposal(p: VersionProposal): string {
  if (isManifestProposal(p)) return `manifest v${p.manifest}`;
  if (!p.range) return formatVersion(p);
  return `[${formatVersion(p)}–${p.major}.${Math.max(0, p.minor - p.range)}]`;
}

/** The client's 20-byte opening: magic, then up to four proposals (unused slots are zeros). */
export function encodeClientHandshake(proposals: readonly VersionProposal[]): Uint8Array {
  if (proposals.length === 0 || proposals.length > 4)
    throw new ProtocolError(
      'BAD_HANDSHAKE',
      `a handshake carries 1 to 4 proposals, got ${proposals.length}`,
    );
  const out = new Uint8Array(20);
  out.set(BOLT_MAGIC, 0);
  for (let i = 0; i < proposals.length; i++) writeProposal(proposals[i], out, 4 + i * 4);
  return out;
}

/** The 4-byte word of one exact version, `00 00 mm MM`. */
export function encodeVersion(v: BoltVersion): Uint8Array {
  return Uint8Array.of(0, 0, byte('minor', v.minor), byte('major', v.major));
}
