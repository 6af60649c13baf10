import { ChunkWriter } from '@bolt/chunking';
import { type BoltVersion, encodeClientHandshake, MessageCodec, type Request } from '@bolt/parser';
import { DAMAGES, damage, pick, prng, SAMPLED_VERSIONS } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import {
  closedAndAnswered,
  expectServesAHealthyClient,
  loginRequests,
  serverLoggingErrors,
  settle,
} from './support/hostile-checks.js';
import { rawPair } from './support/raw-pair.js';

// A client (or something in between) that sends damaged bytes: flipped bytes, requests cut
// short, bytes slipped in, absurd sizes, broken chunk headers — anywhere in a conversation of
// logins, queries, transactions and RESETs, written in pieces, then closed cleanly or torn
// down. Whatever arrives, every byte the server sends must be well-formed Bolt (whole chunked
// messages that decode), it must close the connection once the client is gone, log no internal
// error, and keep serving other clients. The cases come from a seeded generator: a failure
// names its seed and case, which replay it.

// (HOSTILE_SEED / HOSTILE_CASES explore other cases locally)
const SEED = Number(process.env.HOSTILE_SEED ?? 0x5eed_5e4e);
const CASES = Number(process.env.HOSTILE_CASES ?? 1500);
const VERSIONS: readonly BoltVersion[] = SAMPLED_VERSIONS;

/** A conversation a client could have after logging in: one to four pieces of work. */
function work(rnd: () => number, version: BoltVersion): Request[] {
  const pull = (n: number): Request =>
    version.major >= 4 ? { type: 'PULL', extra: { n } } : { type: 'PULL_ALL' };
  const run = (): Request => ({
    type: 'RUN',
    query: pick(rnd, [
      'RETURN $x AS x',
      'RETURN 1 AS n',
      'VALUES',
      'FAIL',
      'UNWIND range(1, $n) AS i',
    ]),
    parameters: {
      x: pick(rnd, [1, 'héllo', [1, 2.5, null], { k: 'v'.repeat(300) }, Uint8Array.of(1, 2, 3)]),
      n: 1 + Math.floor(rnd() * 40),
    },
    extra: {},
  });
  const out: Request[] = [];
  for (let i = 1 + Math.floor(rnd() * 4); i > 0; i--) {
    const r = rnd();
    if (r < 0.4) out.push(run(), pull(pick(rnd, [-1, 5, 1000])));
    else if (r < 0.7)
      out.push({ type: 'BEGIN', extra: {} }, run(), pull(-1), {
        type: pick(rnd, ['COMMIT', 'ROLLBACK'] as const),
      });
    else if (r < 0.85)
      out.push(
        run(),
        version.major >= 4 ? { type: 'DISCARD', extra: { n: -1 } } : { type: 'DISCARD_ALL' },
      );
    else out.push({ type: 'RESET' });
  }
  if (rnd() < 0.3) out.push({ type: 'GOODBYE' });
  return out;
}

/** Lets the memory transports and the server run until `done()` holds (bounded). */
describe('requests damaged on the wire', () => {
  it(`every answer is well-formed Bolt, each connection closes, and the server goes on (${CASES} seeded cases)`, async () => {
    const { server, errors } = serverLoggingErrors();
    const rnd = prng(SEED);
    const closedBy = new Map<string, number>();
    try {
      for (let n = 0; n < CASES; n++) {
        const version = pick(rnd, VERSIONS);
        const how = pick(rnd, DAMAGES);
        const pieces = 1 + Math.floor(rnd() * 3);
        const finish = pick(rnd, ['end', 'end', 'destroy', 'linger'] as const);
        const requests = [...loginRequests(version), ...work(rnd, version)];
        const what = `case ${n} (seed ${SEED}, Bolt ${version.major}.${version.minor}, ${how}, ${pieces} piece(s), ${finish})`;

        const codec = new MessageCodec({ version });
        const w = new ChunkWriter();
        for (const r of requests) codec.encodeRequest(r, w);
        const bytes = damage(w.flush(), how, prng(SEED ^ (n * 0x9e3779b1)));

        const c = rawPair(server);
        c.client.write(encodeClientHandshake([{ major: version.major, minor: version.minor }]));
        await settle(() => c.received.length >= 4 || c.state.ended, `${what}: no version answer`);
        expect(c.received.slice(0, 4), what).toEqual([0, 0, version.minor, version.major]);
        let from = 0;
        for (let i = 1; i <= pieces; i++) {
          const to = i === pieces ? bytes.length : Math.floor((bytes.length * i) / pieces);
          if (to > from) c.client.write(bytes.subarray(from, to));
          from = to;
        }
        // 'linger': the client gives the server a moment to close first (it may instead answer
        // everything and wait for more; then the client leaves)
        for (let i = 0; finish === 'linger' && i < 50 && !c.state.ended; i++)
          await new Promise((r) => setImmediate(r));
        if (finish === 'destroy') c.client.destroy();
        else if (!c.state.ended) c.client.end();
        const answers = await closedAndAnswered(server, c, version, what);
        const key = finish === 'destroy' ? 'destroyed' : (answers.at(-1) ?? 'nothing');
        closedBy.set(key, (closedBy.get(key) ?? 0) + 1);
        expect(errors, what).toEqual([]);
      }

      await expectServesAHealthyClient(server);
    } finally {
      await server.close({ graceMs: 50 });
    }
    // the generator reached the outcomes: the server refused damaged requests with FAILURE, and
    // undamaged (or harmlessly damaged) conversations ran to their end
    expect(closedBy.get('FAILURE')).toBeGreaterThan(CASES / 20);
    expect(closedBy.get('SUCCESS')).toBeGreaterThan(CASES / 20);
  }, 120_000);
});
