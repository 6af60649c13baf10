import { parseVersion } from '@bolt/parser';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, Connection } from '../src/index.js';
import { type Fixture, memoryServer } from './support/bolt-fixture.js';

// A custom auth scheme may carry its secrets in `parameters` (tokens, signed claims, ...):
// the debug wire log must show none of them, whether auth travels in LOGON (5.1+), inline in
// HELLO (3–5.0) or in INIT (1–2).
describe('wire log redaction of custom auth parameters', () => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  for (const version of ['5.8', '4.4', '2.0']) {
    it(`hides parameters and credentials on Bolt ${version}`, async () => {
      fixture = await memoryServer(() => [], { versions: [parseVersion(version)!] });
      const lines: string[] = [];
      const conn = await Connection.open({
        netModule: fixture.netModule,
        host: 'localhost',
        port: fixture.port,
        legacyVersions: version === '2.0',
        auth: auth.custom('alice', 'pa55word', 'realm-1', 'sso', {
          token: 'eyJ-secret-token',
          nested: { key: 'nested-secret' },
        }),
        logger: { debug: (l) => lines.push(l) },
      });
      await conn.close();
      const log = lines.join('\n');
      expect(log).toMatch(/"principal":"alice"/); // the rest of the token is still shown
      expect(log).toMatch(/"scheme":"sso"/);
      expect(log).not.toMatch(/pa55word|eyJ-secret-token|nested-secret/);
    });
  }
});
