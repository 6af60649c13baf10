import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as pub from '../src/index.js';
import * as internal from '../src/internal.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('public surface', () => {
  const publicNames = Object.keys(pub);
  const internalOnly = Object.keys(internal).filter((n) => !(n in pub));

  it('documents every runtime export of the main entry in the README', () => {
    const undocumented = publicNames.filter((n) => !new RegExp(`\\b${n}\\b`).test(readme));
    expect(undocumented).toEqual([]);
  });

  it('keeps byte-level helpers out of the main entry and in @bolt/parser/internal', () => {
    for (const n of ['encodeVarint', 'readVarint', 'readProposal', 'negotiate', 'SIGNATURE'])
      expect(internalOnly).toContain(n);
    expect(
      publicNames.some((n) => /varint|proposal/i.test(n) && n !== 'DEFAULT_CLIENT_PROPOSALS'),
    ).toBe(false);
  });

  it('re-exports the same objects from both entries', () => {
    for (const n of publicNames)
      expect((internal as Record<string, unknown>)[n]).toBe((pub as Record<string, unknown>)[n]);
  });
});
