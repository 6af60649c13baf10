import { ChunkWriter } from '@bolt/chunking';
import { Decoder, Encoder, Structure } from '@bolt/packstream';
import { type BoltVersion, encodeClientHandshake, MessageCodec, type Request } from '@bolt/parser';
import { pick, prng, SAMPLED_VERSIONS, strangeValue } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import {
  closedAndAnswered,
  expectServesAHealthyClient,
  loginRequests,
  serverLoggingErrors,
} from './support/hostile-checks.js';
import { rawPair } from './support/raw-pair.js';

// A client whose requests are well-formed PackStream but hold values of the wrong type or shape:
// an Int64 where a string belongs, a map where a list does, NaN as a PULL size, a structure as
// the auth token, fields missing or one too many — in HELLO, LOGON, RUN, PULL, DISCARD, BEGIN,
// ROUTE, TELEMETRY or the messages without fields. Whatever arrives, every byte the server sends
// must be well-formed Bolt, every FAILURE must carry a code and a message, the server must log
// no internal error, close the connection once the client is gone, and keep serving other
// clients. The cases come from a seeded generator: a failure names its seed and case, which
// replay it.

// (HOSTILE_SEED / HOSTILE_CASES explore other cases locally)
const SEED = Number(process.env.HOSTILE_SEED ?? 0x5eed_0e57);
const CASES = Number(process.env.HOSTILE_CASES ?? 1500);
const VERSIONS: readonly BoltVersion[] = SAMPLED_VERSIONS;

/** Work a client could send after logging in (the kinds the version has). */
function work(rnd: () => number, version: BoltVersion): Request[] {
  const v4 = version.major >= 4;
  const run: Request = {
    type: 'RUN',
    query: pick(rnd, ['RETURN $x AS x', 'RETURN 1 AS n', 'UNWIND range(1, $n) AS i']),
    parameters: { x: 'héllo', n: 3 },
    extra: v4
      ? { db: 'neo4j', mode: 'r', bookmarks: ['bm:1'], tx_timeout: 1000, tx_metadata: { a: 1 } }
      : { bookmarks: ['bm:1'], tx_timeout: 1000 },
  };
  const pull: Request = v4 ? { type: 'PULL', extra: { n: 5, qid: -1 } } : { type: 'PULL_ALL' };
  const discard: Request = v4 ? { type: 'DISCARD', extra: { n: -1 } } : { type: 'DISCARD_ALL' };
  const out: Request[] = [];
  for (let i = 1 + Math.floor(rnd() * 3); i > 0; i--) {
    const r = rnd();
    if (r < 0.35) out.push(run, pull);
    else if (r < 0.55) out.push({ type: 'BEGIN', extra: run.extra }, run, pull, { type: 'COMMIT' });
    else if (r < 0.65) out.push(run, discard);
    else if (r < 0.75 && version.major >= 4 && (version.major > 4 || version.minor >= 4))
      out.push({
        type: 'ROUTE',
        routing: { address: 'h:1' },
        bookmarks: ['bm:1'],
        db: 'neo4j',
        impUser: undefined,
      });
    else if (r < 0.85 && version.major === 5 && version.minor >= 4)
      out.push({ type: 'TELEMETRY', api: 2 });
    else if (r < 0.92) out.push({ type: 'RESET' });
    else out.push({ type: 'BEGIN', extra: {} }, { type: 'ROLLBACK' });
  }
  return out;
}

/** The body of `req` with one to three of its fields (or values one level inside them)
 *  replaced by strange ones, or a field taken away or added. */
function strangeBody(req: Request, codec: MessageCodec, rnd: () => number): Uint8Array {
  const s = new Decoder().decodeStruct(codec.encodeRequestBody(req));
  const fields = [...s.fields];
  for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
    const r = rnd();
    if (fields.length === 0 || r < 0.08) fields.push(strangeValue(rnd));
    else if (r < 0.15) fields.pop();
    else {
      const i = Math.floor(rnd() * fields.length);
      const f = fields[i];
      if (r < 0.5 || typeof f !== 'object' || f === null || Array.isArray(f))
        fields[i] = strangeValue(rnd);
      else {
        const map = { ...(f as Record<string, unknown>) };
        const keys = Object.keys(map);
        const key = keys.length > 0 && rnd() < 0.8 ? pick(rnd, keys) : 'extra';
        if (rnd() < 0.15) delete map[key];
        else map[key] = strangeValue(rnd);
        fields[i] = map;
      }
    }
  }
  return new Encoder().encode(new Structure(s.tag, fields));
}

describe('requests holding values of the wrong type or shape', () => {
  it(`every answer is well-formed Bolt, each connection closes, and the server goes on (${CASES} seeded cases)`, async () => {
    const { server, errors } = serverLoggingErrors();
    const rnd = prng(SEED);
    const last = new Map<string, number>();
    try {
      for (let n = 0; n < CASES; n++) {
        const version = pick(rnd, VERSIONS);
        const requests = [...loginRequests(version), ...work(rnd, version)];
        const bent = Math.floor(rnd() * requests.length);
        const what = `case ${n} (seed ${SEED}, Bolt ${version.major}.${version.minor}, ${requests[bent].type} of ${requests.map((r) => r.type).join(' ')})`;
        const codec = new MessageCodec({ version });
        const w = new ChunkWriter();
        for (let i = 0; i < requests.length; i++) {
          if (i === bent) w.writeMessage(strangeBody(requests[i], codec, rnd));
          else codec.encodeRequest(requests[i], w);
        }

        const c = rawPair(server);
        c.client.write(encodeClientHandshake([{ major: version.major, minor: version.minor }]));
        c.client.write(w.flush());
        // the client leaves once the server has answered or closed (bounded), or at once
        if (rnd() < 0.7)
          for (let i = 0; i < 200 && !c.state.ended; i++) await new Promise((r) => setImmediate(r));
        if (!c.state.ended) c.client.end();
        const types = await closedAndAnswered(server, c, version, what);
        expect(types.filter((t) => t !== 'RECORD').length, what).toBeLessThanOrEqual(
          requests.length,
        );
        const key = types.includes('FAILURE') ? 'FAILURE' : (types.at(-1) ?? 'nothing');
        last.set(key, (last.get(key) ?? 0) + 1);
        expect(errors, what).toEqual([]);
      }

      await expectServesAHealthyClient(server);
    } finally {
      await server.close({ graceMs: 50 });
    }
    // the generator reached both outcomes: refused with a FAILURE, and served to the end
    expect(last.get('FAILURE')).toBeGreaterThan(CASES / 4);
    expect(last.get('SUCCESS')).toBeGreaterThan(CASES / 20);
  }, 120_000);
});
