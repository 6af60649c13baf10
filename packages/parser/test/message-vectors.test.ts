import { describe, expect, it } from 'vitest';
import {
  type BoltVersion,
  formatVersion,
  fromHex,
  hex,
  MessageCodec,
  type Request,
  type Response,
  SUPPORTED_VERSIONS,
} from '../src/internal.js';
import vectors from './fixtures/vectors.json';
import { framed, unframe, versionsIn } from './support.js';

interface Vector {
  name: string;
  source: string;
  side: 'client' | 'server';
  versions: string;
  message: Request | Response;
  wire: string;
}

const all = vectors.messages as unknown as Vector[];

describe('message vectors (recorded and spec-derived), byte for byte', () => {
  for (const vector of all) {
    const versions = versionsIn(vector.versions);
    it(`${vector.name}: applies to at least one version`, () => {
      expect(versions.length).toBeGreaterThan(0);
    });
    for (const version of versions) {
      it(`${vector.name} on ${formatVersion(version)}`, () => {
        const codec = new MessageCodec({ version });
        const [body, ...extra] = unframe(vector.wire);
        expect(extra).toEqual([]);
        if (vector.side === 'client') {
          expect(codec.decodeRequest(body)).toEqual(vector.message);
          const bytes = framed((out) => codec.encodeRequest(vector.message as Request, out));
          expect(hex(bytes)).toBe(hex(fromHex(vector.wire)));
        } else {
          expect(codec.decodeResponse(body)).toEqual(vector.message);
          const bytes = framed((out) => codec.encodeResponse(vector.message as Response, out));
          expect(hex(bytes)).toBe(hex(fromHex(vector.wire)));
        }
      });
    }
  }
});

describe('every request of every version is covered by a vector', () => {
  const requests = [
    'INIT',
    'HELLO',
    'LOGON',
    'LOGOFF',
    'RUN',
    'PULL',
    'PULL_ALL',
    'DISCARD',
    'DISCARD_ALL',
    'BEGIN',
    'COMMIT',
    'ROLLBACK',
    'RESET',
    'ACK_FAILURE',
    'GOODBYE',
    'ROUTE',
    'TELEMETRY',
  ] as const;
  const has = (version: BoltVersion, type: string) =>
    all.some(
      (v) =>
        v.message.type === type &&
        versionsIn(v.versions).some((x) => x.major === version.major && x.minor === version.minor),
    );
  for (const version of SUPPORTED_VERSIONS) {
    it(`Bolt ${formatVersion(version)}`, () => {
      const codec = new MessageCodec({ version });
      const missing = requests.filter((type) => {
        // A request is in the version iff encoding a minimal one is not MESSAGE_NOT_IN_VERSION.
        let inVersion = true;
        try {
          codec.requestFields({ type } as Request);
        } catch (e) {
          inVersion = (e as { code?: string }).code !== 'MESSAGE_NOT_IN_VERSION';
        }
        return inVersion && !has(version, type);
      });
      expect(missing).toEqual([]);
    });
  }
});
