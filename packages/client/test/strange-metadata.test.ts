import type { NetModule } from '@bolt/net-adapters';
import type { BoltVersion, Response } from '@bolt/parser';
import { pick, prng, SAMPLED_VERSIONS, settles, strangeValue } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { auth, BoltError, driver, type ResultSummary } from '../src/index.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';

// A server whose answers are well-formed Bolt but hold values of the wrong type or shape where
// the driver reads metadata: HELLO's (server, connection id, hints), RUN's (fields, t_first,
// qid), the final SUCCESS's (type, bookmark, db, stats, plan, profile, notifications, statuses,
// timings) and a FAILURE's (codes, message, GQL status, diagnostic record, cause). Whatever
// arrives, each call must settle with its records or a typed BoltError (never a TypeError from
// deep inside, never a usage error: the user did nothing wrong), a summary that was given must
// be readable in full, and the driver must go on serving honest answers. The cases come from a
// seeded generator: a failure names its seed and case, which replay it.

// (HOSTILE_SEED / HOSTILE_CASES explore other cases locally)
const SEED = Number(process.env.HOSTILE_SEED ?? 0x5eed_3e7a);
const CASES = Number(process.env.HOSTILE_CASES ?? 1500);
const SETTLE_MS = 2000;
const VERSIONS: readonly BoltVersion[] = SAMPLED_VERSIONS;
/** What a call may fail with when the server's answer was wrong. */
const SERVER_FAULT_KINDS = new Set(['protocol', 'server', 'connection-lost', 'could-not-connect']);

type Target = 'hello' | 'run' | 'pull' | 'failure';

/** The keys the driver reads in each answer, with a well-formed value each. */
function wellFormed(target: Target): Record<string, unknown> {
  switch (target) {
    case 'hello':
      return {
        server: 'Neo4j/5.26.0',
        connection_id: 'bolt-7',
        hints: { 'connection.recv_timeout_seconds': 120, 'telemetry.enabled': true },
      };
    case 'run':
      return { fields: ['x'], t_first: 3, qid: 0 };
    case 'pull':
      return {
        type: 'r',
        t_last: 1,
        db: 'neo4j',
        bookmark: 'bm:1',
        stats: { 'nodes-created': 1, 'contains-updates': true },
        notifications: [
          {
            code: 'Neo.ClientNotification.Statement.CartesianProduct',
            title: 't',
            description: 'd',
            severity: 'WARNING',
            category: 'PERFORMANCE',
            position: { offset: 1, line: 1, column: 2 },
          },
        ],
        statuses: [
          {
            gql_status: '03N90',
            status_description: 'info: cartesian product',
            neo4j_code: 'Neo.ClientNotification.Statement.CartesianProduct',
            diagnostic_record: { _severity: 'WARNING', _classification: 'PERFORMANCE' },
          },
        ],
        plan: {
          operatorType: 'ProduceResults',
          args: { EstimatedRows: 1.0 },
          identifiers: ['x'],
          children: [{ operatorType: 'Projection', args: {}, identifiers: ['x'], children: [] }],
        },
        profile: {
          operatorType: 'ProduceResults',
          args: {},
          identifiers: ['x'],
          dbHits: 0,
          rows: 1,
          pageCacheHits: 0,
          pageCacheMisses: 0,
          time: 10,
          children: [],
        },
      };
    case 'failure':
      return {
        code: 'Neo.ClientError.Statement.SyntaxError',
        neo4j_code: 'Neo.ClientError.Statement.SyntaxError',
        message: 'bad',
        gql_status: '42001',
        description: 'error: syntax error or access rule violation - invalid syntax',
        diagnostic_record: { OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' },
        cause: { gql_status: '42I06', message: 'm', description: 'd' },
      };
  }
}

/** `md` with one to three values replaced by strange ones: a whole key, or one level down. */
function strange(md: Record<string, unknown>, rnd: () => number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...md };
  for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
    const key = pick(rnd, Object.keys(out));
    const value = out[key];
    const r = rnd();
    if (r < 0.1) delete out[key];
    else if (r < 0.5 || typeof value !== 'object' || value === null) out[key] = strangeValue(rnd);
    else if (Array.isArray(value))
      out[key] =
        value.length > 0 && rnd() < 0.6
          ? value.map((v) =>
              typeof v === 'object' && v !== null && !Array.isArray(v)
                ? { ...v, [pick(rnd, Object.keys(v))]: strangeValue(rnd) }
                : strangeValue(rnd),
            )
          : [...value, strangeValue(rnd)];
    else {
      const inner = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(inner);
      inner[keys.length > 0 && rnd() < 0.8 ? pick(rnd, keys) : 'extra'] = strangeValue(rnd);
      out[key] = inner;
    }
  }
  return out;
}

/** The answers of the current case. */
interface Plan {
  version: BoltVersion;
  target: Target;
  metadata: Record<string, unknown>;
  honest: boolean;
}

function network(plan: () => Plan): NetModule {
  return {
    name: 'strange-metadata',
    connect: async (options) => {
      const p = plan();
      const peer = new ScriptedPeer({ supported: [p.version] });
      const bent = (target: Target) => !p.honest && p.target === target;
      peer.onRequest = (req, self) => {
        switch (req.type) {
          case 'HELLO':
            self.send(ok(bent('hello') ? p.metadata : wellFormed('hello')));
            break;
          case 'RUN':
            if (bent('failure')) {
              self.send({ type: 'FAILURE', metadata: p.metadata } as Response);
              break;
            }
            self.send(ok(bent('run') ? p.metadata : { fields: ['x'], t_first: 1 }));
            break;
          case 'PULL':
          case 'PULL_ALL':
            self.send(record(1), ok(bent('pull') ? p.metadata : { type: 'r', t_last: 0 }));
            break;
          case 'COMMIT':
            self.send(ok({ bookmark: 'bm:2' }));
            break;
          case 'GOODBYE':
            self.server.end();
            break;
          default:
            self.send(ok()); // LOGON, BEGIN, RESET, ROLLBACK, TELEMETRY, ...
        }
      };
      return peer.module.connect(options);
    },
  };
}

/** Every part of a summary, read the way a user would. */
function readSummary(s: ResultSummary): unknown[] {
  return [
    s.queryType,
    s.counters.updates(),
    s.counters.containsUpdates(),
    s.counters.containsSystemUpdates(),
    s.counters.systemUpdates,
    s.plan,
    s.profile,
    s.hasPlan(),
    s.hasProfile(),
    s.notifications.map((n) => [n.code, n.severityLevel, n.position, n.category]),
    s.gqlStatusObjects.map((g) => [g.gqlStatus, g.statusDescription, g.diagnosticRecord]),
    s.server.address,
    s.server.agent,
    s.server.protocolVersion,
    s.database.name,
    s.resultAvailableAfter,
    s.resultConsumedAfter,
    s.bookmark,
    String(s),
  ];
}

async function oneQuery(
  d: ReturnType<typeof driver>,
  read: 'await' | 'iterate' | 'transaction',
): Promise<{ values: unknown[]; summary: ResultSummary }> {
  const s = d.session();
  try {
    if (read === 'await') {
      const r = await s.run('Q');
      return { values: r.records.map((x) => x.get(0)), summary: r.summary };
    }
    if (read === 'iterate') {
      const result = s.run('Q');
      const values: unknown[] = [];
      for await (const x of result) values.push(x.get(0));
      return { values, summary: await result.summary() };
    }
    const tx = await s.beginTransaction();
    try {
      const r = await tx.run('Q');
      await tx.commit();
      return { values: r.records.map((x) => x.get(0)), summary: r.summary };
    } finally {
      await tx.close();
    }
  } finally {
    await s.close().catch(() => {});
  }
}

describe('metadata of the wrong type or shape', () => {
  it(`every call settles with its records or a typed error, and summaries read whole (${CASES} seeded cases)`, async () => {
    const rnd = prng(SEED);
    let current: Plan = { version: VERSIONS[0], target: 'pull', metadata: {}, honest: true };
    const netModule = network(() => current);
    // a new driver per case: each case has its own connection, HELLO included
    const open = () =>
      driver('bolt://strange:7687', {
        auth: auth.basic('u', 'p'),
        netModule,
        maxConnectionPoolSize: 4,
      });
    const outcomes = new Map<string, number>();
    // what went wrong, one case per distinct error message
    const failures = new Map<string, string>();
    const fail = (what: string, e: unknown) => {
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      if (!failures.has(message))
        failures.set(message, `${what}\n${e instanceof Error ? e.stack : message}`);
    };
    for (let n = 0; n < CASES; n++) {
      const version = pick(rnd, VERSIONS);
      const target = pick(rnd, ['hello', 'run', 'pull', 'pull', 'failure'] as const);
      const read = pick(rnd, ['await', 'iterate', 'transaction'] as const);
      current = { version, target, metadata: strange(wellFormed(target), rnd), honest: false };
      const what = `case ${n} (seed ${SEED}, Bolt ${version.major}.${version.minor}, ${target}, ${read}): ${show(current.metadata)}`;
      const d = open();
      try {
        const out = await settles(oneQuery(d, read), what, SETTLE_MS);
        if (out.error !== undefined) {
          const e = out.error;
          if (!BoltError.isInstance(e) || !SERVER_FAULT_KINDS.has(e.kind)) fail(what, e);
          // its own parts read without throwing
          else void [e.code, e.gqlStatus, e.gqlStatusDescription, e.classification, String(e)];
        } else {
          expect(out.value?.values, what).toEqual([1]);
          try {
            readSummary(out.value!.summary);
          } catch (e) {
            fail(`${what}: reading the summary`, e);
          }
        }
        const key = out.error === undefined ? 'records' : (out.error as BoltError).kind;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      } finally {
        await settles(d.close(), `${what}: driver close`, SETTLE_MS);
      }
    }
    expect([...failures.values()]).toEqual([]);
    // the peer answers honestly again: served
    current = { ...current, honest: true };
    const d = open();
    try {
      const r = await settles(oneQuery(d, 'await'), 'honest query', SETTLE_MS);
      expect(r.error).toBeUndefined();
      expect(r.value?.values).toEqual([1]);
    } finally {
      await settles(d.close(), 'driver close', SETTLE_MS);
    }
    expect(outcomes.get('records')).toBeGreaterThan(CASES / 4);
    expect(outcomes.get('server')).toBeGreaterThan(CASES / 20);
  }, 120_000);
});

/** A short text of strange metadata for a failure message (bigint-safe). */
function show(md: Record<string, unknown>): string {
  return JSON.stringify(md, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)).slice(0, 300);
}
