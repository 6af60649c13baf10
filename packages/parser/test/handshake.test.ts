import { describe, expect, it } from 'vitest';
import {
  type BoltVersion,
  ClientHandshake,
  DEFAULT_CLIENT_PROPOSALS,
  encodeClientHandshake,
  encodeVarint,
  fromHex,
  hex,
  looksLikeHttp,
  manifestEntries,
  negotiate,
  ProtocolError,
  readProposal,
  readVarint,
  ServerHandshake,
  SUPPORTED_VERSIONS,
  type VersionProposal,
} from '../src/internal.js';

const v = (major: number, minor = 0): BoltVersion => ({ major, minor });
const r = (major: number, minor: number, range: number): VersionProposal => ({
  major,
  minor,
  range,
});

function expectProtocolError(fn: () => unknown, code: string): ProtocolError {
  try {
    fn();
  } catch (e) {
    expect(ProtocolError.isInstance(e), String(e)).toBe(true);
    expect((e as ProtocolError).code).toBe(code);
    return e as ProtocolError;
  }
  throw new Error(`expected ProtocolError ${code}, nothing was thrown`);
}

/** The 16 proposal bytes of a 20-byte client opening, parsed back into proposals. */
function proposalsOf(hello: Uint8Array): VersionProposal[] {
  const out: VersionProposal[] = [];
  for (let i = 0; i < 4; i++) {
    const p = readProposal(hello, 4 + i * 4);
    if (p) out.push(p);
  }
  return out;
}

describe('client opening', () => {
  it('encodes the default offer byte for byte', () => {
    expect(hex(encodeClientHandshake(DEFAULT_CLIENT_PROPOSALS))).toBe(
      '60 60 B0 17 00 00 01 FF 00 08 08 05 00 02 04 04 00 00 00 03',
    );
    expect(hex(new ClientHandshake().hello)).toBe(
      '60 60 B0 17 00 00 01 FF 00 08 08 05 00 02 04 04 00 00 00 03',
    );
  });

  it('pads unused slots with zeros', () => {
    expect(hex(encodeClientHandshake([v(1)]))).toBe(
      '60 60 B0 17 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00',
    );
  });

  it('rejects more than four proposals, none, and ranges that cross majors', () => {
    expectProtocolError(
      () => encodeClientHandshake([v(1), v(2), v(3), v(4), v(5)]),
      'BAD_HANDSHAKE',
    );
    expectProtocolError(() => encodeClientHandshake([]), 'BAD_HANDSHAKE');
    expectProtocolError(() => encodeClientHandshake([r(4, 2, 3)]), 'BAD_HANDSHAKE');
    expectProtocolError(() => encodeClientHandshake([v(256)]), 'BAD_HANDSHAKE');
  });
});

// What each official JS driver release offers, and what our server picks.
const historicalOffers: [string, string, BoltVersion][] = [
  ['1.0–1.5', '00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00', v(1)],
  ['1.6', '00 00 00 02 00 00 00 01 00 00 00 00 00 00 00 00', v(2)],
  ['1.7', '00 00 00 03 00 00 00 02 00 00 00 01 00 00 00 00', v(3)],
  ['4.0', '00 00 00 04 00 00 00 03 00 00 00 02 00 00 00 01', v(4, 0)],
  ['4.1', '00 00 01 04 00 00 00 04 00 00 00 03 00 00 00 02', v(4, 1)],
  ['4.2', '00 00 02 04 00 00 01 04 00 00 00 04 00 00 00 03', v(4, 2)],
  ['4.3', '00 01 03 04 00 00 01 04 00 00 00 04 00 00 00 03', v(4, 3)],
  ['4.4', '00 02 04 04 00 00 01 04 00 00 00 04 00 00 00 03', v(4, 4)],
  ['5.0–5.6', '00 00 00 05 00 02 04 04 00 00 01 04 00 00 00 03', v(5, 0)],
  ['5.7–5.8', '00 02 02 05 00 02 04 04 00 00 01 04 00 00 00 03', v(5, 2)],
  ['5.9–5.12', '00 03 03 05 00 02 04 04 00 00 01 04 00 00 00 03', v(5, 3)],
  ['5.13–5.21', '00 04 04 05 00 02 04 04 00 00 01 04 00 00 00 03', v(5, 4)],
  ['5.22 (offers 5.5: never chosen)', '00 05 05 05 00 02 04 04 00 00 01 04 00 00 00 03', v(5, 4)],
  ['5.23–5.25', '00 06 06 05 00 02 04 04 00 00 01 04 00 00 00 03', v(5, 6)],
  ['5.26–5.27', '00 07 07 05 00 02 04 04 00 00 01 04 00 00 00 03', v(5, 7)],
  ['5.28 / 6.x without manifest', '00 00 01 FF 00 08 08 05 00 02 04 04 00 00 00 03', v(5, 8)],
];

describe('negotiate (legacy server choice)', () => {
  for (const [driver, bytes, expected] of historicalOffers) {
    it(`JS driver ${driver} → Bolt ${expected.major}.${expected.minor}`, () => {
      const proposals = proposalsOf(fromHex(`60 60 B0 17 ${bytes}`));
      expect(negotiate(proposals, SUPPORTED_VERSIONS)).toEqual(expected);
      // The same through the incremental server, manifest off, fed one byte at a time.
      const server = new ServerHandshake({ manifest: false });
      const all = fromHex(`60 60 B0 17 ${bytes}`);
      let result: ReturnType<ServerHandshake['push']>;
      for (let i = 0; i < all.length; i++) {
        result = server.push(all.subarray(i, i + 1));
        if (i < all.length - 1) expect(result).toBeUndefined();
      }
      expect(result!.done).toBe(true);
      expect(result!.version).toEqual(expected);
      expect(hex(result!.send)).toBe(hex(Uint8Array.of(0, 0, expected.minor, expected.major)));
    });
  }

  it('takes the first slot that matches, in the client order, not the newest', () => {
    expect(negotiate([v(3), v(4, 4)], SUPPORTED_VERSIONS)).toEqual(v(3));
  });

  it('takes the highest supported minor inside a range', () => {
    expect(negotiate([r(4, 4, 4)], [v(4, 2), v(4, 1)])).toEqual(v(4, 2));
    expect(negotiate([r(5, 8, 8)], [v(5, 6), v(5, 5), v(5, 4)])).toEqual(v(5, 6));
  });

  it('never chooses 5.5, even when it is "supported"', () => {
    expect(negotiate([v(5, 5)], [v(5, 5)])).toBeUndefined();
    expect(negotiate([r(5, 5, 1)], [v(5, 5), v(5, 4)])).toEqual(v(5, 4));
  });

  it('returns undefined without a common version, and the server replies 00 00 00 00', () => {
    expect(negotiate([v(9, 9)], SUPPORTED_VERSIONS)).toBeUndefined();
    const result = new ServerHandshake().push(encodeClientHandshake([v(9, 9), v(7)]));
    expect(result).toMatchObject({ done: true, version: undefined });
    expect(hex(result!.send)).toBe('00 00 00 00');
  });

  it('a legacy server skips the manifest word it does not support (§10.1 b)', () => {
    const result = new ServerHandshake({
      manifest: false,
      supported: [v(5, 4), v(5, 3), v(4, 4)],
    }).push(encodeClientHandshake(DEFAULT_CLIENT_PROPOSALS));
    expect(hex(result!.send)).toBe('00 00 04 05');
  });
});

describe('server handshake with manifest v1', () => {
  const OFFER =
    '00 00 01 FF 07 00 01 01 06 00 02 08 05 00 04 04 05 00 04 04 04 00 00 00 03 00 00 00 02 00 00 00 01 00';

  it('lists every supported version as ranges split around 5.5', () => {
    expect(manifestEntries(SUPPORTED_VERSIONS)).toEqual([
      r(6, 1, 1),
      r(5, 8, 2),
      r(5, 4, 4),
      r(4, 4, 4),
      v(3),
      v(2),
      v(1),
    ]);
    const first = new ServerHandshake().push(encodeClientHandshake(DEFAULT_CLIENT_PROPOSALS))!;
    expect(first.done).toBe(false);
    expect(hex(first.send)).toBe(OFFER);
    expect(first.proposals).toEqual(DEFAULT_CLIENT_PROPOSALS);
  });

  it('accepts the client choice, split anywhere, and sends nothing back', () => {
    const choice = fromHex('00 00 08 05 00 00 3A B1 01');
    for (let cut = 0; cut <= choice.length; cut++) {
      const server = new ServerHandshake();
      server.push(encodeClientHandshake(DEFAULT_CLIENT_PROPOSALS));
      const a = server.push(choice.subarray(0, cut));
      const b = a ?? server.push(choice.subarray(cut));
      expect(b, `cut ${cut}`).toMatchObject({ done: true, version: v(5, 8), capabilities: 0n });
      expect(b!.send.length).toBe(0);
      // Whatever followed the choice is handed back.
      const rest = a ? [...a.rest, ...choice.subarray(cut)] : [...b!.rest];
      expect(hex(Uint8Array.from(rest))).toBe('00 3A B1 01');
    }
  });

  it('accepts a multi-byte capabilities varint within what was offered', () => {
    const server = new ServerHandshake({ capabilities: 0x1ffn });
    const offer = server.push(encodeClientHandshake(DEFAULT_CLIENT_PROPOSALS))!;
    expect(hex(offer.send).endsWith('FF 03')).toBe(true);
    expect(server.push(fromHex('00 00 01 06 AC 02'))).toMatchObject({
      version: v(6, 1),
      capabilities: 300n,
    });
  });

  it('returns the bytes after the proposals so a pipelining client loses nothing', () => {
    const server = new ServerHandshake();
    const all = new Uint8Array([...encodeClientHandshake(DEFAULT_CLIENT_PROPOSALS), 0, 0, 4, 5, 0]);
    const first = server.push(all)!;
    expect(first.done).toBe(false);
    expect(server.push(first.rest)).toMatchObject({ done: true, version: v(5, 4) });
  });

  it('rejects a choice it did not offer, 5.5, a range, or capabilities it did not offer', () => {
    for (const bad of [
      '00 00 05 05 00',
      '00 00 09 05 00',
      '00 02 08 05 00',
      '01 00 08 05 00',
      '00 00 08 05 01',
    ]) {
      const server = new ServerHandshake();
      server.push(encodeClientHandshake(DEFAULT_CLIENT_PROPOSALS));
      expectProtocolError(() => server.push(fromHex(bad)), 'BAD_HANDSHAKE');
    }
  });

  it('treats a 00 00 00 00 choice as "no common version"', () => {
    const server = new ServerHandshake();
    server.push(encodeClientHandshake(DEFAULT_CLIENT_PROPOSALS));
    expect(server.push(fromHex('00 00 00 00 00'))).toMatchObject({
      done: true,
      version: undefined,
    });
  });

  it('rejects an over-long capabilities varint', () => {
    const server = new ServerHandshake();
    server.push(encodeClientHandshake(DEFAULT_CLIENT_PROPOSALS));
    expectProtocolError(
      () => server.push(fromHex('00 00 08 05 FF FF FF FF FF FF FF FF FF FF 01')),
      'BAD_HANDSHAKE',
    );
  });
});

describe('server magic', () => {
  it('rejects a wrong first byte at once, without waiting for 20 bytes', () => {
    expectProtocolError(() => new ServerHandshake().push(Uint8Array.of(0x61)), 'BAD_MAGIC');
    const s = new ServerHandshake();
    expect(s.push(Uint8Array.of(0x60, 0x60))).toBeUndefined();
    expectProtocolError(() => s.push(Uint8Array.of(0xb1)), 'BAD_MAGIC');
  });

  it('says so when an HTTP request (a WebSocket upgrade) reaches the Bolt handshake', () => {
    const e = expectProtocolError(
      () => new ServerHandshake().push(new TextEncoder().encode('GET / HTTP/1.1\r\n')),
      'BAD_MAGIC',
    );
    expect(e.message).toMatch(/HTTP/);
    expect(looksLikeHttp(new TextEncoder().encode('GET /'))).toBe(true);
    expect(looksLikeHttp(new TextEncoder().encode('PO'))).toBe(true);
    expect(looksLikeHttp(fromHex('60 60 B0 17'))).toBe(false);
    expect(looksLikeHttp(new Uint8Array(0))).toBe(false);
  });

  it('rejects a proposal word with a non-zero first byte', () => {
    expectProtocolError(
      () =>
        new ServerHandshake().push(
          fromHex('60 60 B0 17 01 00 00 05 00 00 00 00 00 00 00 00 00 00 00 00'),
        ),
      'BAD_HANDSHAKE',
    );
  });
});

describe('client handshake', () => {
  const MANIFEST_A = '00 00 01 FF 02 00 08 08 05 00 04 04 04 00';

  it('§10.1 (a): picks 5.8 from [5.8–5.0] (never 5.5) and answers 00 00 08 05 00', () => {
    const result = new ClientHandshake().push(fromHex(MANIFEST_A))!;
    expect(result.version).toEqual(v(5, 8));
    expect(result.manifest).toBe(true);
    expect(hex(result.send)).toBe('00 00 08 05 00');
    expect(result.rest.length).toBe(0);
    expect(result.offered).toEqual([r(5, 8, 8), r(4, 4, 4)]);
  });

  it('§10.1 (a) with 6.0 listed: picks 6.0', () => {
    const result = new ClientHandshake().push(
      fromHex('00 00 01 FF 03 00 00 00 06 00 08 08 05 00 04 04 04 00'),
    )!;
    expect(result.version).toEqual(v(6, 0));
    expect(hex(result.send)).toBe('00 00 00 06 00');
  });

  it('the docs example (§2.4) with capabilities 0x09: picks the highest, 5.8', () => {
    const result = new ClientHandshake().push(
      fromHex('00 00 01 FF 02 00 02 08 05 00 04 04 04 09'),
    )!;
    expect(result.version).toEqual(v(5, 8));
    expect(result.capabilities).toBe(9n);
  });

  it('never picks 5.5 from a manifest, and fails when 5.5 is all there is', () => {
    expect(
      new ClientHandshake().push(fromHex('00 00 01 FF 02 00 00 05 05 00 00 04 04 00'))!.version,
    ).toEqual(v(4, 4));
    expectProtocolError(
      () => new ClientHandshake().push(fromHex('00 00 01 FF 01 00 00 05 05 00')),
      'NO_COMMON_VERSION',
    );
  });

  it('parses the manifest split at every byte, including inside the varints', () => {
    // Count 2 written as a 2-byte varint, capabilities 300 = AC 02, then a trailing message byte.
    const bytes = fromHex('00 00 01 FF 82 00 00 08 08 05 00 04 04 04 AC 02 00');
    for (let cut = 0; cut < bytes.length - 1; cut++) {
      const client = new ClientHandshake();
      const a = client.push(bytes.subarray(0, cut));
      expect(a, `cut ${cut}`).toBeUndefined();
      const b = client.push(bytes.subarray(cut))!;
      expect(b.version).toEqual(v(5, 8));
      expect(b.capabilities).toBe(300n);
      expect(hex(b.rest)).toBe('00');
    }
    const client = new ClientHandshake();
    for (let i = 0; i < bytes.length - 2; i++)
      expect(client.push(bytes.subarray(i, i + 1))).toBeUndefined();
    expect(client.push(bytes.subarray(bytes.length - 2))!.version).toEqual(v(5, 8));
  });

  it('§10.1 (b): a legacy reply 00 00 04 05 gives 5.4 and nothing to send', () => {
    const result = new ClientHandshake().push(fromHex('00 00 04 05'))!;
    expect(result).toMatchObject({ version: v(5, 4), manifest: false });
    expect(result.send.length).toBe(0);
  });

  it('§10.1 (c): 00 00 00 00 is NO_COMMON_VERSION', () => {
    expectProtocolError(
      () => new ClientHandshake().push(fromHex('00 00 00 00')),
      'NO_COMMON_VERSION',
    );
  });

  it('recognises an HTTP server on the Bolt port', () => {
    const e = expectProtocolError(
      () => new ClientHandshake().push(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n')),
      'HTTP_SERVER',
    );
    expect(e.message).toMatch(/HTTP/);
    const client = new ClientHandshake();
    expect(client.push(new TextEncoder().encode('HT'))).toBeUndefined();
    expectProtocolError(() => client.push(new TextEncoder().encode('TP')), 'HTTP_SERVER');
  });

  it('rejects a reply that was not offered, 5.5, a range, or an unrequested manifest', () => {
    expectProtocolError(() => new ClientHandshake().push(fromHex('00 00 01 04')), 'BAD_HANDSHAKE');
    expectProtocolError(() => new ClientHandshake().push(fromHex('00 00 05 05')), 'BAD_HANDSHAKE');
    expectProtocolError(() => new ClientHandshake().push(fromHex('00 02 04 04')), 'BAD_HANDSHAKE');
    expectProtocolError(
      () => new ClientHandshake({ proposals: [v(4, 4)] }).push(fromHex('00 00 01 FF 00 00')),
      'BAD_HANDSHAKE',
    );
    expectProtocolError(() => new ClientHandshake().push(fromHex('17')), 'BAD_HANDSHAKE');
  });

  it('bounds the manifest size', () => {
    expectProtocolError(
      () => new ClientHandshake({ maxManifestEntries: 4 }).push(fromHex('00 00 01 FF 05')),
      'BAD_HANDSHAKE',
    );
    expectProtocolError(
      () => new ClientHandshake().push(fromHex('00 00 01 FF FF FF FF FF FF FF FF FF FF FF 01')),
      'BAD_HANDSHAKE',
    );
  });

  it('only the versions the client implements are chosen', () => {
    const client = new ClientHandshake({ supported: [v(5, 4), v(4, 4)] });
    expect(client.push(fromHex(MANIFEST_A))!.version).toEqual(v(5, 4));
  });
});

describe('client ↔ server', () => {
  const configs: [string, VersionProposal[], BoltVersion[], boolean, BoltVersion | undefined][] = [
    [
      'default offer, full server',
      [...DEFAULT_CLIENT_PROPOSALS],
      [...SUPPORTED_VERSIONS],
      true,
      v(6, 1),
    ],
    [
      'default offer, legacy server',
      [...DEFAULT_CLIENT_PROPOSALS],
      [...SUPPORTED_VERSIONS],
      false,
      v(5, 8),
    ],
    [
      'default offer, 4.x-only server',
      [...DEFAULT_CLIENT_PROPOSALS],
      [v(4, 4), v(4, 3)],
      true,
      v(4, 4),
    ],
    [
      'default offer, 5.6 server',
      [...DEFAULT_CLIENT_PROPOSALS],
      [v(5, 6), v(5, 4)],
      false,
      v(5, 6),
    ],
    ['v1-only client', [v(1)], [...SUPPORTED_VERSIONS], true, v(1)],
    ['no overlap', [v(3)], [v(4, 4)], true, undefined],
  ];
  for (const [name, proposals, supported, manifest, expected] of configs) {
    it(name, () => {
      const client = new ClientHandshake({ proposals });
      const server = new ServerHandshake({ supported, manifest });
      const first = server.push(client.hello)!;
      if (!expected && first.done) {
        expect(first.version).toBeUndefined();
        expectProtocolError(() => client.push(first.send), 'NO_COMMON_VERSION');
        return;
      }
      const c = client.push(first.send)!;
      expect(c.version).toEqual(expected);
      if (first.done) {
        expect(first.version).toEqual(expected);
        expect(c.send.length).toBe(0);
      } else {
        expect(server.push(c.send)).toMatchObject({ done: true, version: expected });
      }
    });
  }
});

describe('varint (LEB128, §2.5)', () => {
  const table: [bigint, string][] = [
    [0n, '00'],
    [1n, '01'],
    [127n, '7F'],
    [128n, '80 01'],
    [255n, 'FF 01'],
    [300n, 'AC 02'],
    [16384n, '80 80 01'],
    [1851775n, 'FF 82 71'],
    [(1n << 64n) - 1n, 'FF FF FF FF FF FF FF FF FF 01'],
  ];
  for (const [value, bytes] of table) {
    it(`${value} ⇄ ${bytes}`, () => {
      expect(hex(encodeVarint(value))).toBe(bytes);
      const b = fromHex(bytes);
      expect(readVarint(b)).toEqual({ value, next: b.length });
      for (let cut = 0; cut < b.length; cut++) expect(readVarint(b, 0, cut)).toBeUndefined();
    });
  }

  it('rejects values beyond 64 bits, more than 10 bytes, negatives and unsafe numbers', () => {
    expectProtocolError(
      () => readVarint(fromHex('FF FF FF FF FF FF FF FF FF 02')),
      'BAD_HANDSHAKE',
    );
    expectProtocolError(
      () => readVarint(fromHex('80 80 80 80 80 80 80 80 80 80 00')),
      'BAD_HANDSHAKE',
    );
    expectProtocolError(() => encodeVarint(-1), 'BAD_HANDSHAKE');
    expectProtocolError(() => encodeVarint(1n << 64n), 'BAD_HANDSHAKE');
    expectProtocolError(() => encodeVarint(2 ** 60), 'BAD_HANDSHAKE');
  });

  it('reads at an offset', () => {
    expect(readVarint(fromHex('00 00 AC 02'), 2)).toEqual({ value: 300n, next: 4 });
  });
});
