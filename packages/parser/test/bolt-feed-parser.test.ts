import { DateTime, PackStreamError } from '@bolt/packstream';
import { describe, expect, it } from 'vitest';
import {
  BoltFeedParser,
  type BoltFeedParserOptions,
  fromHex,
  type HandshakeInfo,
  MessageCodec,
  ProtocolError,
  type Request,
  type Response,
} from '../src/internal.js';
import { framed } from './support.js';

function collect(options: Omit<BoltFeedParserOptions, 'onMessage'>) {
  const messages: (Request | Response)[] = [];
  const handshakes: HandshakeInfo[] = [];
  const errors: Error[] = [];
  let noops = 0;
  const parser = new BoltFeedParser({
    ...options,
    onMessage: (m) => messages.push(m),
    onNoop: () => noops++,
    onHandshake: (h) => handshakes.push(h),
    onError: options.onError ? (e) => errors.push(e) : undefined,
  });
  return { parser, messages, handshakes, errors, noops: () => noops };
}

describe('BoltFeedParser with a known version', () => {
  it('hands each message its dechunked bytes (for recorders that keep the exact fields)', () => {
    const bodies: number[][] = [];
    const parser = new BoltFeedParser({
      side: 'server',
      version: { major: 4, minor: 4 },
      onMessage: (_, body) => bodies.push([...body]),
    });
    // RECORD [1] split over two chunks of one message
    parser.feed(fromHex('00 02 B1 71 00 02 91 01 00 00'));
    expect(bodies).toEqual([[0xb1, 0x71, 0x91, 0x01]]);
  });

  it('decodes a server stream with a NOOP between messages', () => {
    const c = collect({ side: 'server', version: { major: 4, minor: 4 } });
    c.parser.feed(fromHex('00 03 B1 70 A0 00 00 00 00 00 04 B1 71 91 01 00 00'));
    expect(c.messages).toEqual([
      { type: 'SUCCESS', metadata: {} },
      { type: 'RECORD', fields: [1] },
    ]);
    expect(c.noops()).toBe(1);
    expect(c.handshakes).toEqual([]);
  });

  it('throws typed errors by default, and keeps going with onError', () => {
    const bad = '00 02 B0 55 00 00';
    const good = '00 02 B0 0F 00 00';
    const strict = collect({ side: 'client', version: { major: 5, minor: 8 } });
    expect(() => strict.parser.feed(fromHex(bad))).toThrow(ProtocolError);
    const lenient = collect({
      side: 'client',
      version: { major: 5, minor: 8 },
      onError: () => {},
    });
    lenient.parser.feed(fromHex(`${bad} ${good}`));
    expect(lenient.errors.map((e) => (e as ProtocolError).code)).toEqual(['UNKNOWN_MESSAGE']);
    expect(lenient.messages).toEqual([{ type: 'RESET' }]);
  });

  it('needs a version or a handshake', () => {
    expect(
      () => new BoltFeedParser({ side: 'client', expectHandshake: false, onMessage() {} }),
    ).toThrow(TypeError);
  });
});

describe('BoltFeedParser reading the handshake', () => {
  it('client side, legacy: the JS 4.4 driver offer; the version is what a full server picks', () => {
    const c = collect({ side: 'client' });
    c.parser.feed(
      fromHex('60 60 B0 17 00 02 04 04 00 00 01 04 00 00 00 04 00 00 00 03 00 02 B0 0F 00 00'),
    );
    expect(c.handshakes).toEqual([
      {
        version: { major: 4, minor: 4 },
        proposals: [
          { major: 4, minor: 4, range: 2 },
          { major: 4, minor: 1 },
          { major: 4, minor: 0 },
          { major: 3, minor: 0 },
        ],
      },
    ]);
    expect(c.messages).toEqual([{ type: 'RESET' }]);
  });

  it('client side, manifest: reads the choice and decodes with it', () => {
    const c = collect({ side: 'client' });
    c.parser.feed(fromHex('60 60 B0 17 00 00 01 FF 00 08 08 05 00 02 04 04 00 00 00 03'));
    expect(c.handshakes).toEqual([]);
    c.parser.feed(fromHex('00 00 04 05 00 00 03 B1 54 02 00 00'));
    expect(c.handshakes[0].version).toEqual({ major: 5, minor: 4 });
    expect(c.messages).toEqual([{ type: 'TELEMETRY', api: 2 }]);
    expect(c.parser.version).toEqual({ major: 5, minor: 4 });
  });

  it('client side, manifest offered but a legacy server answered: the next bytes are messages', () => {
    const c = collect({ side: 'client', version: { major: 5, minor: 4 }, expectHandshake: true });
    c.parser.feed(fromHex('60 60 B0 17 00 00 01 FF 00 08 08 05 00 02 04 04 00 00 00 03'));
    c.parser.feed(fromHex('00 02 B0 0F 00 00'));
    expect(c.messages).toEqual([{ type: 'RESET' }]);
    expect(c.parser.version).toEqual({ major: 5, minor: 4 });
  });

  it('server side, legacy reply, then the utc patch echo switches DateTime to 49', () => {
    const c = collect({ side: 'server' });
    const codec = new MessageCodec({ version: { major: 4, minor: 4 }, utcPatch: true });
    const instant = new DateTime(1970, 1, 1, 2, 15, 0, 42, 3600);
    const stream = framed((out) => {
      codec.encodeResponse({ type: 'SUCCESS', metadata: { patch_bolt: ['utc'] } }, out);
      codec.encodeRecord([instant], out);
    });
    c.parser.feed(Uint8Array.from([0, 0, 4, 4, ...stream]));
    expect(c.handshakes).toEqual([{ version: { major: 4, minor: 4 } }]);
    expect(c.messages).toEqual([
      { type: 'SUCCESS', metadata: { patch_bolt: ['utc'] } },
      { type: 'RECORD', fields: [instant] },
    ]);
  });

  it('server side, manifest: assumes the newest, then follows protocol_version', () => {
    const c = collect({ side: 'server', onError: () => {} });
    c.parser.feed(fromHex('00 00 01 FF 02 00 01 01 06 00 02 08 05 00'));
    expect(c.handshakes[0].version).toEqual({ major: 6, minor: 1 });
    expect(c.handshakes[0].manifest).toEqual([
      { major: 6, minor: 1, range: 1 },
      { major: 5, minor: 8, range: 2 },
    ]);
    // HELLO SUCCESS {protocol_version: "5.8"}, then a record holding a UUID (6.1 only).
    c.parser.feed(
      fromHex(
        '00 19 B1 70 A1 D0 10 70 72 6F 74 6F 63 6F 6C 5F 76 65 72 73 69 6F 6E 83 35 2E 38 00 00',
      ),
    );
    expect(c.parser.version).toEqual({ major: 5, minor: 8 });
    c.parser.feed(
      fromHex('00 14 B1 71 91 E0 55 0E 84 00 E2 9B 41 D4 A7 16 44 66 55 44 00 00 00 00'),
    );
    expect(c.errors).toHaveLength(1);
    expect(PackStreamError.isInstance(c.errors[0])).toBe(true);
  });

  it('server side: HTTP, no common version, garbage', () => {
    const http = collect({ side: 'server' });
    expect(() => http.parser.feed(new TextEncoder().encode('HTTP/1.1 400'))).toThrow(
      expect.objectContaining({ code: 'HTTP_SERVER' }),
    );
    const none = collect({ side: 'server' });
    none.parser.feed(fromHex('00 00 00 00'));
    expect(none.handshakes).toEqual([{}]);
    expect(() => none.parser.feed(fromHex('00'))).toThrow(
      expect.objectContaining({ code: 'BAD_HANDSHAKE' }),
    );
    expect(() => collect({ side: 'server' }).parser.feed(fromHex('00 00 02 FF 00 00'))).toThrow(
      expect.objectContaining({ code: 'BAD_HANDSHAKE' }),
    );
    expect(() => collect({ side: 'server' }).parser.feed(fromHex('01 02 03 04'))).toThrow(
      expect.objectContaining({ code: 'BAD_HANDSHAKE' }),
    );
  });

  it('client side: bad magic', () => {
    expect(() => collect({ side: 'client' }).parser.feed(fromHex('47 45 54 20'))).toThrow(
      expect.objectContaining({ code: 'BAD_MAGIC' }),
    );
  });
});
