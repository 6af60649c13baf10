import { ChunkWriter } from '@bolt/chunking';
import { boltStructs, DateTime, Node, PackStreamError, Uuid } from '@bolt/packstream';
import { describe, expect, it } from 'vitest';
import {
  type BoltVersion,
  fromHex,
  hex,
  MessageCodec,
  ProtocolError,
  type Request,
} from '../src/internal.js';
import { framed, unframe } from './support.js';

const v = (major: number, minor = 0): BoltVersion => ({ major, minor });
const codec = (major: number, minor = 0) => new MessageCodec({ version: v(major, minor) });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (ProtocolError.isInstance(e) || PackStreamError.isInstance(e)) return e.code;
    throw e;
  }
  return 'no error';
}

function body(text: string): Uint8Array {
  return fromHex(text);
}

describe('messages absent from the negotiated version', () => {
  const cases: [string, BoltVersion, Request][] = [
    ['LOGON on 4.4', v(4, 4), { type: 'LOGON', auth: { scheme: 'none' } }],
    ['LOGOFF on 5.0', v(5, 0), { type: 'LOGOFF' }],
    ['TELEMETRY on 5.3', v(5, 3), { type: 'TELEMETRY', api: 1 }],
    ['ROUTE on 4.2', v(4, 2), { type: 'ROUTE', routing: {}, bookmarks: [] }],
    ['INIT on 3', v(3), { type: 'INIT', userAgent: 'a/1', authToken: {} }],
    ['HELLO on 2', v(2), { type: 'HELLO', extra: { user_agent: 'a/1' } }],
    ['ACK_FAILURE on 3', v(3), { type: 'ACK_FAILURE' }],
    ['BEGIN on 2', v(2), { type: 'BEGIN', extra: {} }],
    ['GOODBYE on 1', v(1), { type: 'GOODBYE' }],
    ['PULL_ALL on 4.0', v(4), { type: 'PULL_ALL' }],
    ['DISCARD_ALL on 5.8', v(5, 8), { type: 'DISCARD_ALL' }],
    ['PULL on 3', v(3), { type: 'PULL', extra: { n: -1 } }],
  ];
  for (const [name, version, msg] of cases) {
    it(`encoding ${name} is MESSAGE_NOT_IN_VERSION and writes nothing`, () => {
      const out = new ChunkWriter();
      const e = (() => {
        try {
          new MessageCodec({ version }).encodeRequest(msg, out);
        } catch (err) {
          return err as ProtocolError;
        }
      })();
      expect(ProtocolError.isInstance(e)).toBe(true);
      expect(e?.code).toBe('MESSAGE_NOT_IN_VERSION');
      expect(e?.message).toContain(msg.type);
      expect(out.length).toBe(0);
    });
  }

  it('decoding LOGON, TELEMETRY or ROUTE where they do not exist is MESSAGE_NOT_IN_VERSION', () => {
    expect(code(() => codec(4, 4).decodeRequest(body('B1 6A A0')))).toBe('MESSAGE_NOT_IN_VERSION');
    expect(code(() => codec(5, 3).decodeRequest(body('B1 54 02')))).toBe('MESSAGE_NOT_IN_VERSION');
    expect(code(() => codec(4, 2).decodeRequest(body('B3 66 A0 90 C0')))).toBe(
      'MESSAGE_NOT_IN_VERSION',
    );
    expect(code(() => codec(3).decodeRequest(body('B0 0E')))).toBe('MESSAGE_NOT_IN_VERSION');
  });
});

describe('version-dependent shapes', () => {
  it('signature 01 is INIT on 1–2 and HELLO from 3', () => {
    expect(codec(2).decodeRequest(body('B2 01 81 61 A0'))).toEqual({
      type: 'INIT',
      userAgent: 'a',
      authToken: {},
    });
    expect(codec(3).decodeRequest(body('B1 01 A1 8A 75 73 65 72 5F 61 67 65 6E 74 81 61'))).toEqual(
      {
        type: 'HELLO',
        extra: { user_agent: 'a' },
      },
    );
  });

  it('signature 3F is PULL_ALL up to 3 and PULL {n, qid} from 4.0', () => {
    expect(codec(3).decodeRequest(body('B0 3F'))).toEqual({ type: 'PULL_ALL' });
    expect(code(() => codec(4).decodeRequest(body('B0 3F')))).toBe('BAD_MESSAGE');
    expect(code(() => codec(3).decodeRequest(body('B1 3F A1 81 6E FF')))).toBe('BAD_MESSAGE');
  });

  it('RUN has 2 fields on 1–2 and 3 from 3', () => {
    expect(code(() => codec(3).decodeRequest(body('B2 10 80 A0')))).toBe('BAD_MESSAGE');
    expect(code(() => codec(2).decodeRequest(body('B3 10 80 A0 A0')))).toBe('BAD_MESSAGE');
    expect(codec(2).decodeRequest(body('B2 10 80 A0'))).toEqual({
      type: 'RUN',
      query: '',
      parameters: {},
      extra: {},
    });
  });

  it('RUN on 1–2 refuses extra keys it cannot carry', () => {
    const run = { type: 'RUN', query: 'x', parameters: {}, extra: { db: 'neo4j' } } as const;
    expect(code(() => codec(2).encodeRequestBody(run))).toBe('BAD_FIELD');
    expect(hex(codec(2).encodeRequestBody({ ...run, extra: { db: undefined } }))).toBe(
      'B2 10 81 78 A0',
    );
  });

  it('ROUTE carries db as a string on 4.3 and in a map from 4.4', () => {
    const route: Request = { type: 'ROUTE', routing: {}, bookmarks: [], db: 'x' };
    expect(hex(codec(4, 3).encodeRequestBody(route))).toBe('B3 66 A0 90 81 78');
    expect(hex(codec(4, 4).encodeRequestBody(route))).toBe('B3 66 A0 90 A1 82 64 62 81 78');
    expect(codec(4, 3).decodeRequest(body('B3 66 A0 90 81 78'))).toEqual(route);
    expect(codec(5, 0).decodeRequest(body('B3 66 A0 90 A1 82 64 62 81 78'))).toEqual(route);
    expect(code(() => codec(4, 4).decodeRequest(body('B3 66 A0 90 81 78')))).toBe('BAD_FIELD');
    expect(code(() => codec(4, 3).decodeRequest(body('B3 66 A0 90 A0')))).toBe('BAD_FIELD');
    expect(code(() => codec(4, 3).encodeRequestBody({ ...route, impUser: 'bob' } as Request))).toBe(
      'BAD_FIELD',
    );
  });
});

describe('field validation (BAD_FIELD)', () => {
  const pull = (extra: unknown) => ({ type: 'PULL', extra }) as Request;
  it('PULL n must be an integer, −1 or positive', () => {
    for (const n of ['5', 1.5, 0, -2, undefined, null, Number.NaN])
      expect(
        code(() => codec(5, 8).encodeRequestBody(pull({ n }))),
        String(n),
      ).toBe('BAD_FIELD');
    for (const n of [-1, 1, 1000, 2n ** 62n])
      expect(
        code(() => codec(5, 8).encodeRequestBody(pull({ n }))),
        String(n),
      ).toBe('no error');
    expect(code(() => codec(5, 8).encodeRequestBody(pull({ n: 1, qid: -2 })))).toBe('BAD_FIELD');
    expect(code(() => codec(5, 8).encodeRequestBody(pull({ n: 1, qid: 'a' })))).toBe('BAD_FIELD');
    expect(code(() => codec(5, 8).encodeRequestBody(pull(null)))).toBe('BAD_FIELD');
  });

  it('a FLOAT on the wire where the protocol wants an INT is refused, even 1.0', () => {
    // PULL {n: 1.0}
    expect(
      code(() => codec(5, 8).decodeRequest(body('B1 3F A1 81 6E C1 3F F0 00 00 00 00 00 00'))),
    ).toBe('BAD_FIELD');
    // TELEMETRY "oh no!" (the docs' example)
    expect(code(() => codec(5, 8).decodeRequest(body('B1 54 86 6F 68 20 6E 6F 21')))).toBe(
      'BAD_FIELD',
    );
    // DISCARD {n: 1, qid: 0.0}
    expect(
      code(() =>
        codec(4).decodeRequest(body('B1 2F A2 81 6E 01 83 71 69 64 C1 00 00 00 00 00 00 00 00')),
      ),
    ).toBe('BAD_FIELD');
  });

  it('protocol integers are sent as INT even with numbersAsFloat; user numbers as FLOAT', () => {
    const c = new MessageCodec({ version: v(5, 8), numbersAsFloat: true });
    expect(hex(c.encodeRequestBody(pull({ n: 1000, qid: 0 })))).toBe(
      'B1 3F A2 81 6E C9 03 E8 83 71 69 64 00',
    );
    expect(hex(c.encodeRequestBody({ type: 'TELEMETRY', api: 2 }))).toBe('B1 54 02');
    expect(
      hex(c.encodeRequestBody({ type: 'BEGIN', extra: { tx_timeout: 5, tx_metadata: { a: 1 } } })),
    ).toBe(
      'B1 11 A2 8A 74 78 5F 74 69 6D 65 6F 75 74 05 8B 74 78 5F 6D 65 74 61 64 61 74 61 A1 81 61 C1 3F F0 00 00 00 00 00 00',
    );
  });

  it('transaction extras: types and the versions that have each key', () => {
    const begin = (extra: Record<string, unknown>, version = v(5, 8)) =>
      code(() => new MessageCodec({ version }).encodeRequestBody({ type: 'BEGIN', extra }));
    expect(begin({ mode: 'x' })).toBe('BAD_FIELD');
    expect(begin({ mode: 'r' })).toBe('no error');
    expect(begin({ bookmarks: 'bm' })).toBe('BAD_FIELD');
    expect(begin({ bookmarks: ['a', 1] })).toBe('BAD_FIELD');
    expect(begin({ tx_timeout: 1.5 })).toBe('BAD_FIELD');
    expect(begin({ tx_metadata: [] })).toBe('BAD_FIELD');
    expect(begin({ db: 1 })).toBe('BAD_FIELD');
    expect(begin({ db: 'x' }, v(3))).toBe('BAD_FIELD');
    expect(begin({ db: null }, v(3))).toBe('no error');
    expect(begin({ imp_user: 'bob' }, v(4, 3))).toBe('BAD_FIELD');
    expect(begin({ imp_user: 'bob' }, v(4, 4))).toBe('no error');
    expect(begin({ notifications_minimum_severity: 'OFF' }, v(5, 1))).toBe('BAD_FIELD');
    expect(begin({ notifications_disabled_categories: ['HINT'] }, v(5, 4))).toBe('no error');
    expect(begin({ notifications_disabled_categories: ['HINT'] }, v(5, 6))).toBe('BAD_FIELD');
    expect(begin({ notifications_disabled_classifications: ['HINT'] }, v(5, 4))).toBe('BAD_FIELD');
    expect(begin({ notifications_disabled_classifications: ['HINT'] }, v(5, 6))).toBe('no error');
  });

  it('HELLO: user_agent, bolt_agent (mandatory 5.3+), routing 4.1+, patch_bolt 4.3–4.4, auth only up to 5.0', () => {
    const hello = (extra: Record<string, unknown>, version: BoltVersion) =>
      code(() => new MessageCodec({ version }).encodeRequestBody({ type: 'HELLO', extra }));
    const agent = { product: 'x/1' };
    expect(hello({}, v(4, 4))).toBe('BAD_FIELD');
    expect(hello({ user_agent: 'a/1' }, v(5, 3))).toBe('BAD_FIELD');
    expect(hello({ user_agent: 'a/1', bolt_agent: agent }, v(5, 3))).toBe('no error');
    expect(hello({ user_agent: 'a/1', bolt_agent: {} }, v(5, 3))).toBe('BAD_FIELD');
    expect(hello({ user_agent: 'a/1', bolt_agent: agent }, v(5, 2))).toBe('BAD_FIELD');
    expect(hello({ user_agent: 'a/1', routing: {} }, v(4, 0))).toBe('BAD_FIELD');
    expect(hello({ user_agent: 'a/1', routing: null }, v(4, 0))).toBe('no error');
    expect(hello({ user_agent: 'a/1', patch_bolt: ['utc'] }, v(5, 0))).toBe('BAD_FIELD');
    expect(hello({ user_agent: 'a/1', scheme: 'basic' }, v(5, 1))).toBe('BAD_FIELD');
    expect(hello({ user_agent: 'a/1', scheme: 'basic' }, v(5, 0))).toBe('no error');
  });

  it('decoding is lenient with keys but strict with types', () => {
    // A 5.1 HELLO that still carries auth keys decodes (a server may ignore them).
    const c = codec(5, 1);
    const hello = c.encodeRequestBody({ type: 'HELLO', extra: { user_agent: 'a' } });
    expect(c.decodeRequest(hello)).toEqual({ type: 'HELLO', extra: { user_agent: 'a' } });
    const withAuth = codec(5, 0).encodeRequestBody({
      type: 'HELLO',
      extra: { user_agent: 'a', scheme: 'none' },
    });
    expect(c.decodeRequest(withAuth)).toEqual({
      type: 'HELLO',
      extra: { user_agent: 'a', scheme: 'none' },
    });
    // BEGIN {mode: 1}
    expect(code(() => c.decodeRequest(body('B1 11 A1 84 6D 6F 64 65 01')))).toBe('BAD_FIELD');
    // HELLO without user_agent is accepted (drivers omit an empty one); a non-string is not
    expect(c.decodeRequest(body('B1 01 A0'))).toEqual({ type: 'HELLO', extra: {} });
    expect(code(() => c.decodeRequest(body('B1 01 A1 8A 75 73 65 72 5F 61 67 65 6E 74 01')))).toBe(
      'BAD_FIELD',
    );
  });
});

/** `message` placed between other bytes, [FF FF, message, ...after], and its range there. */
function placed(message: Uint8Array, after: number[]) {
  const b = new Uint8Array(message.length + 2 + after.length);
  b.set([0xff, 0xff]);
  b.set(message, 2);
  b.set(after, message.length + 2);
  return { b, start: 2, end: message.length + 2 };
}

describe('a response inside a larger buffer (decodeResponse with start/end)', () => {
  /** Followed by another response, SUCCESS {}. */
  const within = (message: Uint8Array) => placed(message, [0xb1, 0x70, 0xa0]);

  it('decodes the range as the message alone', () => {
    for (const text of [
      'B1 70 A1 86 66 69 65 6C 64 73 91 81 6E', // SUCCESS {fields: ['n']}
      'B1 7F A2 84 63 6F 64 65 81 78 87 6D 65 73 73 61 67 65 81 79', // FAILURE {code, message}
      'B0 7E', // IGNORED
      'B1 71 92 01 81 61', // RECORD [1, 'a']
    ]) {
      const m = body(text);
      const { b, start, end } = within(m);
      expect(codec(5, 8).decodeResponse(b, start, end)).toEqual(codec(5, 8).decodeResponse(m));
    }
  });

  it('refuses what the range holds, not what surrounds it', () => {
    const c = codec(5, 8);
    const cut = within(body('B1 70 A1 81'));
    expect(code(() => c.decodeResponse(cut.b, cut.start, cut.end))).toBe('TRUNCATED');
    // the bytes after the range are another message, not trailing bytes of this one
    const ok = within(body('B1 70 A0'));
    expect(c.decodeResponse(ok.b, ok.start, ok.end)).toEqual({ type: 'SUCCESS', metadata: {} });
    // one byte too many in the range is
    expect(code(() => c.decodeResponse(ok.b, ok.start, ok.end + 1))).toBe('TRAILING_BYTES');
    // a range that starts inside the bytes before it is no structure
    expect(code(() => c.decodeResponse(ok.b, 0, ok.end))).toBe('BAD_MESSAGE');
    expect(code(() => c.decodeResponse(ok.b, ok.start, ok.start + 1))).toBe('BAD_MESSAGE');
  });
});

describe('a request inside a larger buffer (decodeRequest with start/end)', () => {
  /** Followed by another request, RESET. */
  const within = (message: Uint8Array) => placed(message, [0xb0, 0x0f]);

  it('decodes the range as the message alone', () => {
    for (const text of [
      'B3 10 88 52 45 54 55 52 4E 20 31 A0 A0', // RUN "RETURN 1" {} {}
      'B1 3F A1 81 6E FF', // PULL {n: -1}
      'B1 2F A2 81 6E 0A 83 71 69 64 01', // DISCARD {n: 10, qid: 1}
      'B1 01 A0', // HELLO {}
      'B1 11 A0', // BEGIN {}
      'B0 0F', // RESET
      'B0 02', // GOODBYE
    ]) {
      const m = body(text);
      const { b, start, end } = within(m);
      expect(codec(5, 8).decodeRequest(b, start, end)).toEqual(codec(5, 8).decodeRequest(m));
    }
  });

  it('refuses what the range holds, not what surrounds it', () => {
    const c = codec(5, 8);
    const cut = within(body('B3 10 88 52 45 54 55 52 4E 20 31 A0'));
    expect(code(() => c.decodeRequest(cut.b, cut.start, cut.end))).toBe('TRUNCATED');
    // the bytes after the range are another message, not trailing bytes of this one
    const reset = within(body('B0 0F'));
    expect(c.decodeRequest(reset.b, reset.start, reset.end)).toEqual({ type: 'RESET' });
    const pull = within(body('B1 3F A1 81 6E FF'));
    expect(c.decodeRequest(pull.b, pull.start, pull.end)).toEqual({
      type: 'PULL',
      extra: { n: -1 },
    });
    // one byte too many in the range is, with fields or without
    expect(code(() => c.decodeRequest(reset.b, reset.start, reset.end + 1))).toBe('TRAILING_BYTES');
    expect(code(() => c.decodeRequest(pull.b, pull.start, pull.end + 1))).toBe('TRAILING_BYTES');
    // a range that starts inside the bytes before it is no structure
    expect(code(() => c.decodeRequest(pull.b, 0, pull.end))).toBe('BAD_MESSAGE');
    expect(code(() => c.decodeRequest(pull.b, pull.start, pull.start + 1))).toBe('BAD_MESSAGE');
  });
});

describe('malformed messages', () => {
  it('not a structure, empty, or a truncated body', () => {
    expect(code(() => codec(5, 8).decodeRequest(body('A0')))).toBe('BAD_MESSAGE');
    expect(code(() => codec(5, 8).decodeRequest(new Uint8Array(0)))).toBe('BAD_MESSAGE');
    expect(code(() => codec(5, 8).decodeResponse(body('B0')))).toBe('BAD_MESSAGE');
    expect(code(() => codec(5, 8).decodeResponse(body('B1 70 A1 81')))).toBe('TRUNCATED');
  });

  it('bytes after the message are refused', () => {
    expect(code(() => codec(5, 8).decodeRequest(body('B0 0F 00')))).toBe('TRAILING_BYTES');
    expect(code(() => codec(5, 8).decodeResponse(body('B1 70 A0 00')))).toBe('TRAILING_BYTES');
  });

  it('unknown signatures, and a response where a request belongs (and back)', () => {
    expect(code(() => codec(5, 8).decodeRequest(body('B0 55')))).toBe('UNKNOWN_MESSAGE');
    expect(code(() => codec(5, 8).decodeRequest(body('B1 70 A0')))).toBe('UNKNOWN_MESSAGE');
    expect(code(() => codec(5, 8).decodeResponse(body('B0 0F')))).toBe('UNKNOWN_MESSAGE');
    expect(code(() => codec(5, 8).decodeResponse(body('B0 42')))).toBe('UNKNOWN_MESSAGE');
  });

  it('wrong field counts and field types of responses', () => {
    expect(code(() => codec(5, 8).decodeResponse(body('B0 70')))).toBe('BAD_MESSAGE');
    expect(code(() => codec(5, 8).decodeResponse(body('B1 7E A0')))).toBe('BAD_MESSAGE');
    expect(code(() => codec(5, 8).decodeResponse(body('B1 70 90')))).toBe('BAD_FIELD');
    expect(code(() => codec(5, 8).decodeResponse(body('B1 71 A0')))).toBe('BAD_FIELD');
    expect(code(() => codec(5, 8).decodeResponse(body('B1 7F 01')))).toBe('BAD_FIELD');
  });

  it('encoding an unknown type is UNKNOWN_MESSAGE', () => {
    for (const type of ['NOPE', 'RECORD', 'SUCCESS', 'toString'])
      expect(
        code(() => codec(5, 8).encodeRequestBody({ type } as unknown as Request)),
        type,
      ).toBe('UNKNOWN_MESSAGE');
  });
});

describe('struct registry per version', () => {
  const instant = new DateTime(1970, 1, 1, 2, 15, 0, 42, 3600);
  const legacy = '00 0C B1 71 91 B3 46 C9 1F A4 2A C9 0E 10 00 00';
  const utc = '00 0C B1 71 91 B3 49 C9 11 94 2A C9 0E 10 00 00';

  it('4.4 sends legacy DateTime 46 until enableUtcPatch(), then 49', () => {
    const c = codec(4, 4);
    expect(c.features.utcDateTime).toBe(false);
    expect(hex(framed((out) => c.encodeRecord([instant], out)))).toBe(legacy);
    expect(c.decodeResponse(unframe(legacy)[0])).toEqual({ type: 'RECORD', fields: [instant] });
    c.enableUtcPatch();
    expect(c.features.utcDateTime).toBe(true);
    expect(hex(framed((out) => c.encodeRecord([instant], out)))).toBe(utc);
    expect(c.decodeResponse(unframe(utc)[0])).toEqual({ type: 'RECORD', fields: [instant] });
  });

  it('the utcPatch option starts patched; 5.0+ is always UTC; < 4.3 has no patch', () => {
    const c = new MessageCodec({ version: v(4, 3), utcPatch: true });
    expect(hex(framed((out) => c.encodeRecord([instant], out)))).toBe(utc);
    const c5 = codec(5, 0);
    c5.enableUtcPatch();
    expect(hex(framed((out) => c5.encodeRecord([instant], out)))).toBe(utc);
    expect(code(() => codec(4, 2).enableUtcPatch())).toBe('BAD_FIELD');
    expect(
      hex(
        framed((out) =>
          new MessageCodec({ version: v(4, 2), utcPatch: true }).encodeRecord([instant], out),
        ),
      ),
    ).toBe(legacy);
  });

  it('nodes carry element ids from 5.0', () => {
    const node44 = body('B1 71 91 B3 4E 01 91 86 50 65 72 73 6F 6E A1 84 6E 61 6D 65 82 41 6C');
    const node50 = body(
      'B1 71 91 B4 4E 01 91 86 50 65 72 73 6F 6E A1 84 6E 61 6D 65 82 41 6C 85 34 3A 78 3A 31',
    );
    expect(codec(4, 4).decodeResponse(node44)).toEqual({
      type: 'RECORD',
      fields: [new Node(1, ['Person'], { name: 'Al' }, '1')],
    });
    expect(codec(5, 0).decodeResponse(node50)).toEqual({
      type: 'RECORD',
      fields: [new Node(1, ['Person'], { name: 'Al' }, '4:x:1')],
    });
    expect(code(() => codec(4, 4).decodeResponse(node50))).toBe('INVALID_STRUCT');
  });

  it('the UUID marker E0 exists only from 6.1', () => {
    const rec = body('B1 71 91 E0 55 0E 84 00 E2 9B 41 D4 A7 16 44 66 55 44 00 00');
    const decoded = codec(6, 1).decodeResponse(rec);
    expect(String((decoded as { fields: unknown[] }).fields[0])).toBe(
      '550e8400-e29b-41d4-a716-446655440000',
    );
    expect((decoded as { fields: unknown[] }).fields[0]).toBeInstanceOf(Uuid);
    expect(code(() => codec(6, 0).decodeResponse(rec))).toBe('UNSUPPORTED_IN_VERSION');
  });

  it('a structs function is asked again after the patch', () => {
    const asked: boolean[] = [];
    const c = new MessageCodec({
      version: v(4, 4),
      structs: (version, { utc }) => {
        asked.push(utc);
        return new MessageCodec({ version, utcPatch: utc }).features.utcDateTime
          ? defaultStructs(version, true)
          : defaultStructs(version, false);
      },
    });
    c.enableUtcPatch();
    expect(asked).toEqual([false, true]);
  });
});

function defaultStructs(version: BoltVersion, utc: boolean) {
  return boltStructs(version, { utc });
}

describe('integers', () => {
  it("'auto' gives numbers when safe and bigint beyond; 'bigint' always bigint", () => {
    const big = body('B1 3F A1 81 6E CB 00 20 00 00 00 00 00 01');
    expect(codec(5, 8).decodeRequest(body('B1 3F A1 81 6E FF'))).toEqual({
      type: 'PULL',
      extra: { n: -1 },
    });
    expect(codec(5, 8).decodeRequest(big)).toEqual({
      type: 'PULL',
      extra: { n: 9007199254740993n },
    });
    const b = new MessageCodec({ version: v(5, 8), integers: 'bigint' });
    expect(b.decodeRequest(body('B1 3F A2 81 6E FF 83 71 69 64 00'))).toEqual({
      type: 'PULL',
      extra: { n: -1n, qid: 0n },
    });
    expect(b.decodeResponse(body('B1 71 91 01'))).toEqual({ type: 'RECORD', fields: [1n] });
  });
});

describe('encodeRecord and the writer', () => {
  it('encodeRecord gives the same bytes as encodeResponse(RECORD)', () => {
    const c = codec(5, 8);
    const values = [1, 'a', null, [true, 2.5], { k: 'v' }];
    expect(hex(framed((out) => c.encodeRecord(values, out)))).toBe(
      hex(framed((out) => c.encodeResponse({ type: 'RECORD', fields: values }, out))),
    );
    // every list header size: tiny, 8-, 16- and 32-bit
    for (const n of [0, 15, 16, 255, 256, 65535, 65536]) {
      const many = Array.from({ length: n }, (_, i) => i % 100);
      expect(framed((out) => c.encodeRecord(many, out))).toEqual(
        framed((out) => c.encodeResponse({ type: 'RECORD', fields: many }, out)),
      );
    }
  });

  it('encodeRecord counts the RECORD and its list against maxDepth, as encodeResponse does', () => {
    const c = codec(5, 8);
    let deep: unknown = 1;
    for (let i = 0; i < 62; i++) deep = [deep];
    c.encodeRecord([deep], new ChunkWriter()); // struct + list + 62 lists = 64: the limit
    expect(() => c.encodeRecord([[deep]], new ChunkWriter())).toThrow(/maxDepth/);
    expect(() => c.encodeResponse({ type: 'RECORD', fields: [[deep]] }, new ChunkWriter())).toThrow(
      /maxDepth/,
    );
  });

  it('a value that cannot be encoded loses nothing already queued and leaves no half frame', () => {
    const c = codec(5, 8);
    const out = new ChunkWriter();
    c.encodeRecord([1], out);
    expect(() => c.encodeRecord([Symbol('x')], out)).toThrow();
    expect(() =>
      c.encodeRequest({ type: 'RUN', query: 'x', parameters: { f: () => 1 }, extra: {} }, out),
    ).toThrow();
    c.encodeRecord([2], out);
    expect(out.messageCount).toBe(2);
    expect(hex(out.flush())).toBe('00 04 B1 71 91 01 00 00 00 04 B1 71 91 02 00 00');
  });

  it('one codec writes many messages in order (pipelining)', () => {
    const c = codec(5, 8);
    const bytes = framed((out) => {
      c.encodeRequest({ type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} }, out);
      c.encodeRequest({ type: 'PULL', extra: { n: -1 } }, out);
    });
    expect(hex(bytes)).toBe(
      '00 12 B3 10 8D 52 45 54 55 52 4E 20 31 20 41 53 20 6E A0 A0 00 00 00 06 B1 3F A1 81 6E FF 00 00',
    );
  });

  it('a 70,000-character query spans two chunks', () => {
    const c = codec(5, 8);
    const query = 'x'.repeat(70_000);
    const bytes = framed((out) =>
      c.encodeRequest({ type: 'RUN', query, parameters: {}, extra: {} }, out),
    );
    expect(hex(bytes.subarray(0, 8))).toBe('FF FF B3 10 D2 00 01 11');
    expect(hex(bytes.subarray(2 + 65535, 2 + 65535 + 2))).toBe('11 7A');
    expect(bytes.length).toBe(2 + 65535 + 2 + 4474 + 2);
    const [msg] = unframe(bytes);
    expect(c.decodeRequest(msg)).toEqual({ type: 'RUN', query, parameters: {}, extra: {} });
  });
});
