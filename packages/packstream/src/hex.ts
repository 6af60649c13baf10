/** Options of {@link hex}. */
export interface HexOptions {
  /** Between two pairs. Default `' '`. */
  separator?: string;
  /** Upper-case digits. Default true. */
  upperCase?: boolean;
}

/** Bytes as hex pairs, `"60 60 B0 17"` by default: the one hex formatter of every package, for
 *  error messages, logs, scripts and tests. */
export function hex(bytes: Uint8Array, options: HexOptions = {}): string {
  const separator = options.separator ?? ' ';
  const upper = options.upperCase ?? true;
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) out += separator;
    const pair = bytes[i].toString(16).padStart(2, '0');
    out += upper ? pair.toUpperCase() : pair;
  }
  return out;
}

/** Parses `"60 60 B0 17"` (spaces, `|` and newlines ignored). */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s|]+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new RangeError(`not hex: ${text.slice(0, 40)}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}
