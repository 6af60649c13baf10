import { describe, expect, it } from 'vitest';
import {
  type BoltFeatures,
  compareVersions,
  features,
  formatVersion,
  isForbiddenVersion,
  parseVersion,
  SUPPORTED_VERSIONS,
} from '../src/internal.js';
import { versionsIn } from './support.js';

describe('versions', () => {
  it('lists every version newest first, without 5.5', () => {
    expect(SUPPORTED_VERSIONS.map(formatVersion)).toEqual(
      '6.1 6.0 5.8 5.7 5.6 5.4 5.3 5.2 5.1 5.0 4.4 4.3 4.2 4.1 4.0 3.0 2.0 1.0'.split(' '),
    );
    expect(SUPPORTED_VERSIONS.some(isForbiddenVersion)).toBe(false);
    expect(Object.isFrozen(SUPPORTED_VERSIONS)).toBe(true);
  });

  it('compares, formats and parses', () => {
    const sorted = [...SUPPORTED_VERSIONS].sort(compareVersions).reverse();
    expect(sorted).toEqual([...SUPPORTED_VERSIONS]);
    expect(compareVersions({ major: 4, minor: 4 }, { major: 5, minor: 0 })).toBeLessThan(0);
    expect(compareVersions({ major: 5, minor: 8 }, { major: 5, minor: 8 })).toBe(0);
    expect(parseVersion('5.8')).toEqual({ major: 5, minor: 8 });
    expect(parseVersion('3')).toEqual({ major: 3, minor: 0 });
    for (const bad of ['', '5.', 'x', '5.8.1', '256.0', '-1'])
      expect(parseVersion(bad)).toBeUndefined();
  });
});

// Where each flag is on, per the Bolt message specification. Ranges as in the vector file ("5.1-").
const FLAGS: Record<keyof BoltFeatures, string> = {
  hasHello: '3-',
  hasHelloAuth: '3-5.0',
  hasLogon: '5.1-',
  goodbye: '3-',
  pullN: '4-',
  multipleResults: '4-',
  hasRoute: '4.3-',
  routeExtraMap: '4.4-',
  utcDateTime: '5-',
  utcPatch: '4.3-4.4',
  temporal: '2-',
  elementIds: '5-',
  notifFilter: '5.2-',
  notifKeyClassifications: '5.6-',
  boltAgent: '5.3-',
  telemetry: '5.4-',
  statuses: '5.6-',
  gqlErrors: '5.7-',
  manifest: '5.7-',
  homeDbInSuccess: '5.8-',
  vector: '6-',
  uuid: '6.1-',
  explicitTx: '3-',
  ackFailure: '1-2',
  noop: '4.1-',
  routingInHello: '4.1-',
  impUser: '4.4-',
  db: '4-',
  hints: '4.3-',
  runExtra: '3-',
  handshakeMinor: '4-',
  handshakeRanges: '4.3-',
};

describe('features', () => {
  for (const [flag, range] of Object.entries(FLAGS) as [keyof BoltFeatures, string][]) {
    it(`${flag}: ${range}`, () => {
      const on = versionsIn(range).map(formatVersion);
      const actual = SUPPORTED_VERSIONS.filter((v) => features(v)[flag]).map(formatVersion);
      expect(actual).toEqual(on);
    });
  }

  it('has no flag the table above does not check', () => {
    expect(Object.keys(features({ major: 5, minor: 0 })).sort()).toEqual(Object.keys(FLAGS).sort());
  });

  it('utcDateTime follows the patch on 4.3/4.4 only', () => {
    for (const v of SUPPORTED_VERSIONS) {
      const patched = features(v, { utcPatch: true }).utcDateTime;
      const expected = v.major >= 5 || (v.major === 4 && v.minor >= 3);
      expect(patched, formatVersion(v)).toBe(expected);
    }
  });
});
