// The README's first example, with what its comments claim asserted.
import { boltStructs, DateTime, Decoder, Encoder, float } from '@bolt/packstream';
import { expect, it } from 'vitest';
import { toHex } from './vector-value';

it('README example: safe integers go as INT, float() as FLOAT, bigint beyond 2^53 exactly', () => {
  const encoder = new Encoder();
  const bytes = encoder.encode({ limit: 10, ratio: 0.5, one: float(1), big: 2n ** 62n });
  expect(toHex(bytes).startsWith('A4 85 6C 69 6D 69 74 0A 85 72 61 74 69 6F C1 3F E0')).toBe(true);
  const decoder = new Decoder();
  expect(decoder.decode(bytes)).toEqual({
    limit: 10,
    ratio: 0.5,
    one: 1,
    big: 4611686018427387904n,
  });

  const structs = boltStructs({ major: 4, minor: 4 }, { utc: true });
  const dt = new Encoder({ structs }).encode(new DateTime(2024, 3, 31, 2, 30, 0, 0, 3600));
  expect(dt[1]).toBe(0x49); // the UTC form on 4.4 with the patch
});
