import { concat } from './seeded.js';

/**
 * One WebSocket frame (RFC 6455): FIN (unless `fin` is false) + `opcode` (0x0 continuation, 0x1
 * text, 0x2 binary, 0x8 close, 0x9 ping), the payload length in 7, 16 or 64 bits, and, for a
 * client's frame (`masked`), a random masking key with the payload masked by it.
 */
export function websocketFrame(
  opcode: number,
  payload: Uint8Array,
  { fin = true, masked = false }: { fin?: boolean; masked?: boolean } = {},
): Uint8Array {
  const n = payload.length;
  const first = (fin ? 0x80 : 0) | opcode;
  const mask = masked ? 0x80 : 0;
  const head =
    n < 126
      ? Uint8Array.of(first, mask | n)
      : n < 65536
        ? Uint8Array.of(first, mask | 126, n >> 8, n & 0xff)
        : Uint8Array.of(
            first,
            mask | 127,
            0,
            0,
            0,
            0,
            n >>> 24,
            (n >>> 16) & 0xff,
            (n >>> 8) & 0xff,
            n & 0xff,
          );
  if (!masked) return concat(head, payload);
  const key = crypto.getRandomValues(new Uint8Array(4));
  return concat(
    head,
    key,
    payload.map((b, i) => b ^ key[i & 3]),
  );
}
