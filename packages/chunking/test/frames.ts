// Expands the `<n>` notation of vectors.json into bytes.

/** Message i of a vector: `size` bytes counting from `seed`. */
export function messageBytes(size: number, seed = 0): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (seed + i) & 0xff;
  return b;
}

/** Build a byte stream; each `<n>` takes the next n bytes of `payload` (advancing through it). */
export function expandFrames(frames: string, payload: Uint8Array): Uint8Array {
  const out: number[] = [];
  let p = 0;
  for (const tok of frames.trim().split(/\s+/)) {
    const m = /^<(\d+)>$/.exec(tok);
    if (m) {
      const n = Number(m[1]);
      for (let i = 0; i < n; i++) out.push(payload[p++]);
    } else out.push(Number.parseInt(tok, 16));
  }
  return Uint8Array.from(out);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
