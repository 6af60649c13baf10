/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCapture } from '../examples/decode-capture.js';
import vectors from './fixtures/vectors.json';

const wire = (name: string) => {
  const v = vectors.messages.find((m) => m.name === name);
  if (!v) throw new Error(`no vector ${name}`);
  return v.wire;
};

// "flights": the raw socket writes of a Bolt 5.8 session.
const flights: ['C' | 'S', string][] = [
  ['C', '60 60 B0 17 00 00 01 FF 00 08 08 05 00 02 04 04 00 00 00 03'],
  ['S', '00 00 01 FF 02 00 08 08 05 00 04 04 04 00'],
  [
    'C',
    `00 00 08 05 00 | ${wire('HELLO 5.3+ (§10.2 row 1)')} | ${wire('LOGON basic (§10.2 row 2)')}`,
  ],
  ['S', `${wire('SUCCESS HELLO 5.8 (§10.2 row 3)')} | 00 03 B1 70 A0 00 00`],
  [
    'C',
    '00 12 B3 10 8D 52 45 54 55 52 4E 20 31 20 41 53 20 6E A0 A0 00 00 | 00 06 B1 3F A1 81 6E FF 00 00',
  ],
  [
    'S',
    `${wire('SUCCESS RUN 5.8 (§10.2 row 7)')} | 00 04 B1 71 91 01 00 00 | ${wire('SUCCESS PULL (§10.2 row 9)')}`,
  ],
  ['C', '00 02 B0 02 00 00'],
];

describe('README example: decoding a captured exchange', () => {
  it('turns recorded flights into readable messages', () => {
    expect(decodeCapture(flights)).toEqual([
      'C: HELLO {"user_agent":"example/1.0","bolt_agent":{"product":"example/1.0"}}',
      'C: LOGON {"scheme":"basic","principal":"neo4j","credentials":"******"}',
      'S: SUCCESS {"server":"Neo4j/5.26.0","connection_id":"bolt-1","protocol_version":"5.8","hints":{"connection.recv_timeout_seconds":120}}',
      'S: SUCCESS {}',
      'C: RUN "RETURN 1 AS n" {} {}',
      'C: PULL {"n":-1}',
      'S: SUCCESS {"t_first":2,"fields":["n"],"db":"neo4j"}',
      'S: RECORD [1]',
      'S: SUCCESS {"bookmark":"FB:example","type":"r","t_last":1,"db":"neo4j"}',
      'C: GOODBYE',
    ]);
  });

  it('gives the same lines when every flight arrives one byte at a time', () => {
    const bytewise: ['C' | 'S', string][] = flights.flatMap(([from, hex]) =>
      hex
        .replace(/[\s|]+/g, '')
        .match(/../g)!
        .map((b): ['C' | 'S', string] => [from, b]),
    );
    expect(decodeCapture(bytewise)).toEqual(decodeCapture(flights));
  });
});

describe('README', () => {
  it('shows exactly the tested example file', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/decode-capture.ts', import.meta.url), 'utf8');
    const block = /```ts\n(import \{ BoltFeedParser[\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example);
  });
});
