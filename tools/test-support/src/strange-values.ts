import { Node } from '@bolt/packstream';
import { pick } from './seeded.js';

/**
 * A value of any packstream type, chosen to be wrong wherever it lands in a server's answer where
 * something else belongs: integers past 2^53 (bigint), NaN and infinities, empty and huge and
 * almost-right strings, nested lists and maps (two levels), bytes, a structure.
 */
export function strangeValue(rnd: () => number, depth = 0): unknown {
  switch (
    pick(rnd, [
      'int',
      'bigint',
      'float',
      'string',
      'null',
      'bool',
      'list',
      'map',
      'bytes',
      'node',
    ] as const)
  ) {
    case 'int':
      return pick(rnd, [0, -1, 7687, 2 ** 31, 2 ** 53 - 1]);
    case 'bigint':
      return pick(rnd, [-(2n ** 63n), -1n, 0n, 7687n, 2n ** 40n, 2n ** 63n - 1n]);
    case 'float':
      return pick(rnd, [1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY, 1e300]);
    case 'string':
      return pick(rnd, [
        '',
        ' ',
        'a:b',
        'host:0',
        'host:70000',
        '[::1',
        '::1:7687',
        'x'.repeat(5000),
        'hôte-é:7687',
        'ROUTE',
        'READ',
        'WRITE',
        'reader9:7687',
        '[::1]:7687',
        'r',
        'Neo.ClientError.Statement.SyntaxError',
        '00000',
        '__proto__',
        'constructor',
      ]);
    case 'null':
      return null;
    case 'bool':
      return rnd() < 0.5;
    case 'list':
      return depth > 1
        ? []
        : Array.from({ length: Math.floor(rnd() * 4) }, () => strangeValue(rnd, depth + 1));
    case 'map':
      return depth > 1
        ? {}
        : Object.fromEntries(
            Array.from({ length: Math.floor(rnd() * 3) }, (_, i) => [
              pick(rnd, [
                'role',
                'addresses',
                'ttl',
                'code',
                'message',
                '__proto__',
                'toString',
                'valueOf',
                `k${i}`,
              ]),
              strangeValue(rnd, depth + 1),
            ]),
          );
    case 'bytes':
      return Uint8Array.of(0x72, 0x3a, 0x31);
    case 'node':
      return new Node(1, ['Server'], { address: 'reader1:7687' });
  }
}
