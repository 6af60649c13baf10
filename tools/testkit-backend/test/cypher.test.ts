import { Structure } from '@bolt/client/node';
import { describe, expect, it } from 'vitest';
import { toCypher } from '../src/cypher.js';

describe('values without a testkit shape', () => {
  it('an undecoded structure (a DateTime in a zone the client does not know) is named with its fields', () => {
    const raw = new Structure(0x69, [0n, 0n, 'Europe/Neo4j']);
    expect(() => toCypher(raw)).toThrow(/Structure\(0x69: 0, 0, "Europe\/Neo4j"\)/);
  });
});
