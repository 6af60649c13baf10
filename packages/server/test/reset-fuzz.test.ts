// Review: random conversations (pipelines, RESETs at random moments, slow async handlers,
// transactions, several results) against invariants any client relies on: one summary per
// request, in order; no RECORD outside a PULL; nothing after the connection closed; no internal
// error; every transaction that began ends exactly once (commit or rollback). A safety net over
// many interleavings: the precise races fixed in this review have their own tests
// (reset-interrupts.test.ts), which random timing rarely hits.

import type { Request } from '@bolt/parser';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type BoltServer, createServer } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const servers: BoltServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Step = { kind: 'send'; requests: Request[] } | { kind: 'wait'; ms: number };

const run = (query: string): Request => ({ type: 'RUN', query, parameters: {}, extra: {} });
const requestArb: fc.Arbitrary<Request> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('SYNC 3', 'ASYNC 3', 'SLOW 2', 'FAIL', 'LATEFAIL 2', 'SLOWRUN 1')
      .map(run),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ n: fc.constantFrom(-1, 1, 2), qid: fc.constantFrom(-1, 0, 1) })
      .map(({ n, qid }): Request => ({ type: 'PULL', extra: { n, qid } })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(-1, 1).map((n): Request => ({ type: 'DISCARD', extra: { n } })),
  },
  { weight: 1, arbitrary: fc.constant<Request>({ type: 'BEGIN', extra: {} }) },
  { weight: 1, arbitrary: fc.constant<Request>({ type: 'COMMIT' }) },
  { weight: 1, arbitrary: fc.constant<Request>({ type: 'ROLLBACK' }) },
  { weight: 2, arbitrary: fc.constant<Request>({ type: 'RESET' }) },
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc
    .array(requestArb, { minLength: 1, maxLength: 4 })
    .map((requests): Step => ({ kind: 'send', requests })),
  fc.integer({ min: 0, max: 8 }).map((ms): Step => ({ kind: 'wait', ms })),
);

describe('random conversations with RESETs and slow handlers', () => {
  it('keep the invariants', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
        const errors: unknown[] = [];
        let begun = 0;
        let ended = 0;
        const server = createServer({
          logger: { error: (m, e) => errors.push([m, e]) },
          handler: {
            async run(query) {
              const [kind, count] = query.split(' ');
              const n = Number(count ?? 0);
              if (kind === 'FAIL') throw new Error('fail');
              if (kind === 'SLOWRUN') await sleep(3);
              const rows = Array.from({ length: n }, (_, i) => [i]);
              if (kind === 'SYNC' || kind === 'SLOWRUN') return { fields: ['i'], records: rows };
              return {
                fields: ['i'],
                records: (async function* () {
                  for (const r of rows) {
                    // Deliberately deaf to context.signal: the server must cope.
                    if (kind === 'SLOW') await sleep(5);
                    yield r;
                  }
                  if (kind === 'LATEFAIL') throw new Error('late');
                })(),
              };
            },
            async begin() {
              await sleep(1);
              begun++;
            },
            async commit() {
              await sleep(1);
              ended++;
              return undefined;
            },
            async rollback() {
              await sleep(1);
              ended++;
            },
          },
        });
        servers.push(server);
        const c = RawClient.overMemory(server);
        await c.login();
        const sentList: Request[] = [];
        for (const step of steps) {
          if (c.ended) break;
          if (step.kind === 'wait') await sleep(step.ms);
          else {
            c.send(...step.requests);
            sentList.push(...step.requests);
          }
        }
        // A last request after a pause, so that anything sent late would show up before it.
        await sleep(5);
        if (!c.ended) {
          const tail: Request[] = [
            { type: 'RESET' },
            run('SYNC 1'),
            { type: 'PULL', extra: { n: -1 } },
          ];
          c.send(...tail);
          sentList.push(...tail);
        }
        const sent = sentList.length;
        await c.until(() => c.ended || c.countSummaries() >= sent, 3000);
        const closed = c.ended;
        const rs = c.responses;
        if (!closed) expect(c.countSummaries()).toBe(sent);
        else {
          // Closed only after a violation: its FAILURE is the last thing sent.
          const last = rs[rs.length - 1];
          expect(last?.type).toBe('FAILURE');
          expect((last as { metadata: Record<string, unknown> }).metadata.neo4j_code).toBe(
            'Neo.ClientError.Request.Invalid',
          );
        }
        // In order: each request gets RECORDs (only a PULL) and then exactly one summary.
        let at = 0;
        for (const request of sentList) {
          if (at >= rs.length) break;
          while (rs[at]?.type === 'RECORD') {
            expect(request.type, `RECORD answered to ${request.type}`).toBe('PULL');
            at++;
          }
          if (at < rs.length) at++;
        }
        expect(at).toBe(rs.length);
        c.close();
        await server.close({ graceMs: 20 });
        await sleep(10);
        expect(errors).toEqual([]);
        expect(ended).toBe(begun);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 60), seed: Number(process.env.FUZZ_SEED ?? 5) },
    );
  }, 60_000);
});
