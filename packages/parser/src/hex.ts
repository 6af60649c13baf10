/** `"60 60 B0 17"`: bytes as upper-case hex pairs, for error messages and tests. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}

/** Parses `"60 60 B0 17"` (spaces, `|` and newlines ignored). */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s|]+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new RangeError(`not hex: ${text.slice(0, 40)}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}
