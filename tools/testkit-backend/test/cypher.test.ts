import { Structure } from '@bolt/client/node';
import { boltStructs, Decoder, Encoder } from '@bolt/packstream';
import { describe, expect, it } from 'vitest';
import { toCypher } from '../src/cypher.js';

describe('values without a testkit shape', () => {
  it('an undecoded structure (a DateTime in a zone the client does not know) is named with its fields', () => {
    const raw = new Structure(0x69, [0n, 0n, 'Europe/Neo4j']);
    expect(() => toCypher(raw)).toThrow(/Structure\(0x69: 0, 0, "Europe\/Neo4j"\)/);
  });

  it('a legacy (4.4, unpatched) DateTime in an unknown zone is an error naming the zone', () => {
    // what the client decodes from 0x66 on 4.4 without the UTC patch: a raw structure
    const structs = boltStructs({ major: 4, minor: 4 });
    const decode = (zone: string) =>
      new Decoder({ structs }).decode(
        new Encoder({ structs }).encode(new Structure(0x66, [8100, 42, zone])),
      );
    expect(() => toCypher(decode('Europe/Neo4j'))).toThrow(/"Europe\/Neo4j"/);
    // a zone Intl knows keeps both the id and its offset
    expect(toCypher(decode('Europe/Paris'))).toMatchObject({
      name: 'CypherDateTime',
      data: { timezone_id: 'Europe/Paris', utc_offset_s: 3600 },
    });
  });
});
