import { DateTime, Node } from '@bolt/packstream';
import { describe, expect, it } from 'vitest';
import {
  type BoltVersion,
  features,
  formatVersion,
  MessageCodec,
  openingRequests,
  ProtocolError,
  SUPPORTED_VERSIONS,
} from '../src/internal.js';

const v = (major: number, minor = 0): BoltVersion => ({ major, minor });
const intro = {
  userAgent: 'app/1.0',
  auth: { scheme: 'basic', principal: 'neo4j', credentials: 'pw' },
  boltAgent: { product: 'app/1.0' },
};

describe('openingRequests', () => {
  it('INIT on 1–2, with the token as its own field', () => {
    expect(openingRequests(features(v(2)), { ...intro, routing: { address: 'x:1' } })).toEqual({
      hello: { type: 'INIT', userAgent: 'app/1.0', authToken: intro.auth },
    });
  });

  it('HELLO with the credentials inline on 3.0–5.0; routing from 4.1; the utc patch on 4.3–4.4', () => {
    const routing = { address: 'db:7687' };
    const { hello, logon } = openingRequests(features(v(3)), { ...intro, routing });
    expect(logon).toBeUndefined();
    expect(hello).toEqual({ type: 'HELLO', extra: { user_agent: 'app/1.0', ...intro.auth } });
    expect(openingRequests(features(v(4, 1)), { ...intro, routing }).hello).toMatchObject({
      extra: { routing },
    });
    const h44 = openingRequests(features(v(4, 4)), intro).hello as { extra: object };
    expect(h44.extra).toMatchObject({ patch_bolt: ['utc'] });
    expect(h44.extra).not.toHaveProperty('routing');
    const noPatch = openingRequests(features(v(4, 4)), { ...intro, utcPatch: false }).hello;
    expect((noPatch as { extra: object }).extra).not.toHaveProperty('patch_bolt');
  });

  it('HELLO then LOGON from 5.1; bolt_agent from 5.3; notification filters as given', () => {
    const notifications = { notifications_minimum_severity: 'WARNING' };
    const r51 = openingRequests(features(v(5, 1)), intro);
    expect(r51.logon).toEqual({ type: 'LOGON', auth: intro.auth });
    expect(r51.hello).toEqual({ type: 'HELLO', extra: { user_agent: 'app/1.0' } });
    const r58 = openingRequests(features(v(5, 8)), { ...intro, notifications });
    expect(r58.hello).toEqual({
      type: 'HELLO',
      extra: { user_agent: 'app/1.0', bolt_agent: intro.boltAgent, ...notifications },
    });
  });

  it('gives requests every supported version encodes', () => {
    for (const version of SUPPORTED_VERSIONS) {
      const codec = new MessageCodec({ version });
      const { hello, logon } = openingRequests(codec.features, { ...intro, routing: {} });
      expect(() => codec.encodeRequestBody(hello), formatVersion(version)).not.toThrow();
      if (logon) expect(() => codec.encodeRequestBody(logon)).not.toThrow();
    }
  });
});

describe('MessageCodec.decodeRecord', () => {
  const record = (codec: MessageCodec, values: unknown[]) =>
    codec.encodeResponseBody({ type: 'RECORD', fields: values });

  it('reads a RECORD as decodeResponse does, structures and the utc patch included', () => {
    const dt = new DateTime(2024, 1, 2, 3, 4, 5, 6, 3600);
    const node = new Node(1, ['L'], { a: 1 }, '1');
    for (const version of [v(3), v(4, 4), v(5, 0), v(6, 0)]) {
      const codec = new MessageCodec({ version });
      const values = [1, 'two', [3], { four: 4 }, dt, node];
      const body = record(codec, values);
      expect(codec.decodeRecord(body)).toEqual(
        (codec.decodeResponse(body) as { fields: unknown[] }).fields,
      );
    }
    const server = new MessageCodec({ version: v(4, 4), utcPatch: true });
    const client = new MessageCodec({ version: v(4, 4) });
    const body = record(server, [dt]);
    client.enableUtcPatch();
    expect(client.decodeRecord(body)).toEqual([dt]);
  });

  it('is undefined for the other responses', () => {
    const codec = new MessageCodec({ version: v(5, 0) });
    for (const res of [
      { type: 'SUCCESS', metadata: {} },
      { type: 'FAILURE', metadata: { code: 'X', message: 'y' } },
      { type: 'IGNORED' },
    ] as const)
      expect(codec.decodeRecord(codec.encodeResponseBody(res))).toBeUndefined();
  });

  it('reads a message given as a range of a bigger buffer, as scanRecord does', () => {
    const codec = new MessageCodec({ version: v(5, 8) });
    const scalars = record(codec, [1, 'two', 3.5, null]);
    const mixed = record(codec, [1, [2]]);
    const success = codec.encodeResponseBody({ type: 'SUCCESS', metadata: {} });
    for (const body of [scalars, mixed, success]) {
      const padded = new Uint8Array(body.length + 7).fill(0xb1);
      padded.set(body, 3);
      const [start, end] = [3, 3 + body.length];
      expect(codec.decodeRecord(padded, start, end)).toEqual(codec.decodeRecord(body));
      expect(codec.scanRecord(padded, start, end)).toBe(codec.scanRecord(body));
    }
    expect(codec.scanRecord(scalars)).toBe(4);
    expect(codec.scanRecord(mixed)).toBe(-1);
    expect(codec.scanRecord(success)).toBe(-1);
    const padded = Uint8Array.of(0, ...scalars);
    expect(codec.scanRecord(padded, 1, padded.length)).toBe(4);
    expect(codec.scalars.first).toBe(4); // B1 71 94 at 1..3
    expect(codec.scalars.read(padded, codec.scalars.first)).toBe(1);
  });

  it('refuses a RECORD that does not hold a list', () => {
    const codec = new MessageCodec({ version: v(5, 0) });
    const body = Uint8Array.of(0xb1, 0x71, 0x01);
    const error = (() => {
      try {
        codec.decodeRecord(body);
      } catch (e) {
        return e;
      }
    })();
    expect(ProtocolError.isInstance(error) && error.code).toBe('BAD_FIELD');
  });
});
