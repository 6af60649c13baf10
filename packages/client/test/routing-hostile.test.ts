import { ChunkWriter } from '@bolt/chunking';
import type { NetModule } from '@bolt/net-adapters';
import { type BoltVersion, MessageCodec, type Response } from '@bolt/parser';
import { DAMAGES, damage, pick, prng, settles, strangeValue } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { auth, BoltError, driver } from '../src/index.js';
import { ok, record, ScriptedPeer } from './support/scripted-peer.js';

// A router that answers the request for a routing table with something a routing table is not:
// values of the wrong type where addresses, roles, the ttl or the list of servers belong (an
// Int64, a structure, bytes, nested lists, absurd strings, keys missing), the whole answer
// damaged on the wire, or a FAILURE. Whatever it answers, the query that needed the table must
// settle with its records or a typed BoltError of the kinds a broken server causes (never a
// usage error: the user did nothing wrong), and once the router answers properly the same
// driver must serve queries again. The cases come from a seeded generator: a failure names its
// seed and case, which replay it. Each case has a new driver, so that it starts without a table.

// (HOSTILE_SEED / HOSTILE_CASES explore other cases locally)
const SEED = Number(process.env.HOSTILE_SEED ?? 0x5eed_7a61);
const CASES = Number(process.env.HOSTILE_CASES ?? 600);
/** Long enough for any in-memory conversation; a query not settled by then hangs. */
const SETTLE_MS = 3000;
const VERSIONS: BoltVersion[] = [
  { major: 5, minor: 8 },
  { major: 5, minor: 0 },
  { major: 4, minor: 4 },
  { major: 4, minor: 3 },
  { major: 4, minor: 1 },
  { major: 3, minor: 0 },
];
/** What a query may fail with when the router misbehaved (ServiceUnavailable is
 *  could-not-connect; a FAILURE that every router would repeat is server). */
const ROUTER_FAULT_KINDS = new Set(['protocol', 'connection-lost', 'server', 'could-not-connect']);
const ROUTER = 'router:7687';

/** A routing table as a well-behaved router writes it. */
function table(): { ttl: number; db?: string; servers: Record<string, unknown>[] } {
  return {
    ttl: 300,
    db: 'neo4j',
    servers: [
      { role: 'ROUTE', addresses: [ROUTER, 'router2:7687'] },
      { role: 'READ', addresses: ['reader1:7687', 'reader2:7687'] },
      { role: 'WRITE', addresses: ['writer:7687'] },
    ],
  };
}

/** The table with one to three things in it replaced, removed or added. */
function strangeTable(rnd: () => number): unknown {
  if (rnd() < 0.05) return strangeValue(rnd); // not a map at all
  const rt: Record<string, unknown> = table();
  for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
    const servers = rt.servers;
    const r = rnd();
    if (r < 0.12) rt.ttl = strangeValue(rnd);
    else if (r < 0.18) rt.db = strangeValue(rnd);
    else if (r < 0.24) rt.servers = strangeValue(rnd);
    else if (r < 0.3) delete rt[pick(rnd, ['ttl', 'servers', 'db'])];
    else if (!Array.isArray(servers) || servers.length === 0) rt.servers = [strangeValue(rnd)];
    else {
      const i = Math.floor(rnd() * servers.length);
      const entry = servers[i];
      const s = rnd();
      if (s < 0.1) servers[i] = strangeValue(rnd);
      else if (s < 0.2) servers.splice(i, 1);
      else if (s < 0.3)
        servers.push({
          role: pick(rnd, ['ROUTE', 'READ', 'WRITE', 'LEADER']),
          addresses: [strangeValue(rnd)],
        });
      else if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        servers[i] = { role: 'READ', addresses: [strangeValue(rnd)] };
      else if (s < 0.45) entry.role = strangeValue(rnd);
      else if (s < 0.55) delete entry[pick(rnd, ['role', 'addresses'])];
      else if (s < 0.7 || !Array.isArray(entry.addresses)) entry.addresses = strangeValue(rnd);
      else if (s < 0.85 && entry.addresses.length > 0)
        entry.addresses[Math.floor(rnd() * entry.addresses.length)] = strangeValue(rnd);
      else entry.addresses.push(strangeValue(rnd));
    }
  }
  return rt;
}

/** How the router answers in the current case. */
type Plan =
  | { how: 'honest' }
  | { how: 'values'; rt: unknown }
  | { how: 'wire'; bytes: (codec: MessageCodec, procedure: boolean) => Uint8Array; abort: boolean }
  | { how: 'failure'; code: string };

/** The router's answer to ROUTE (Bolt 4.3+), or to the PULL of the routing procedure (before). */
function routeAnswer(plan: Plan, procedure: boolean): Response[] {
  if (plan.how === 'failure')
    return [{ type: 'FAILURE', metadata: { code: plan.code, message: 'no table for you' } }];
  const rt = plan.how === 'values' ? plan.rt : table();
  if (!procedure) return [ok({ rt })];
  const { ttl, servers } = (typeof rt === 'object' && rt !== null ? rt : {}) as Record<
    string,
    unknown
  >;
  return [record(ttl ?? null, servers ?? null), ok({ type: 'r' })];
}

/** Every connection is a peer that answers queries properly and routing requests as `plan()`
 *  says; the routing request goes to whichever server the driver takes for a router. */
function network(version: () => BoltVersion, plan: () => Plan): NetModule {
  return {
    name: 'hostile-router',
    connect: async (options) => {
      const peer = new ScriptedPeer({ supported: [version()] });
      let routingPull = false;
      const answer = (self: ScriptedPeer, procedure: boolean) => {
        const p = plan();
        if (p.how !== 'wire') {
          self.send(...routeAnswer(p, procedure));
          return;
        }
        self.server.write(p.bytes(new MessageCodec({ version: self.version! }), procedure));
        if (p.abort) self.server.destroy(new Error('reset by peer'));
        else self.server.end();
      };
      peer.onRequest = (req, self) => {
        switch (req.type) {
          case 'HELLO':
            self.send(ok({ server: 'Neo4j/5.26.0', connection_id: `bolt-${options.host}` }));
            break;
          case 'ROUTE':
            answer(self, false);
            break;
          case 'RUN':
            routingPull = req.query.includes('getRoutingTable');
            self.send(ok({ fields: routingPull ? ['ttl', 'servers'] : ['x'] }));
            break;
          case 'PULL':
          case 'PULL_ALL':
            if (routingPull) answer(self, true);
            else self.send(record(1), ok({ type: 'r', db: 'neo4j' }));
            routingPull = false;
            break;
          case 'COMMIT':
            self.send(ok({ bookmark: 'bm:1' }));
            break;
          case 'GOODBYE':
            self.server.end();
            break;
          default:
            self.send(ok()); // LOGON, BEGIN, RESET, ...
        }
      };
      return peer.module.connect(options);
    },
  };
}

const FAILURE_CODES = [
  'Neo.ClientError.Database.DatabaseNotFound',
  'Neo.ClientError.Procedure.ProcedureNotFound',
  'Neo.ClientError.Security.Unauthorized',
  'Neo.TransientError.General.DatabaseUnavailable',
  'Neo.ClientError.Request.Invalid',
  'Something.Not.A.Code',
  '',
];

describe('routing tables a router should not have sent', () => {
  it(`every query settles with records or a typed error, and the driver recovers (${CASES} seeded cases)`, async () => {
    const rnd = prng(SEED);
    let version = VERSIONS[0];
    let plan: Plan = { how: 'honest' };
    const netModule = network(
      () => version,
      () => plan,
    );
    const outcomes = new Map<string, number>();
    for (let n = 0; n < CASES; n++) {
      version = pick(rnd, VERSIONS);
      const how = pick(rnd, ['values', 'values', 'values', 'wire', 'wire', 'failure'] as const);
      const mode = pick(rnd, ['READ', 'WRITE'] as const);
      const database = version.major >= 4 && rnd() < 0.5 ? 'neo4j' : undefined;
      if (how === 'values') plan = { how, rt: strangeTable(rnd) };
      else if (how === 'failure') plan = { how, code: pick(rnd, FAILURE_CODES) };
      else {
        const d = pick(rnd, DAMAGES);
        const caseRnd = prng(SEED ^ (n * 0x9e3779b1));
        plan = {
          how,
          abort: rnd() < 0.2,
          bytes: (codec, procedure) => {
            const w = new ChunkWriter();
            for (const m of routeAnswer({ how: 'honest' }, procedure)) codec.encodeResponse(m, w);
            return damage(w.flush(), d, caseRnd);
          },
        };
      }
      const what = `case ${n} (seed ${SEED}, Bolt ${version.major}.${version.minor}, ${how}, ${mode}${database ? `, db ${database}` : ''})`;
      const d = driver(`neo4j://${ROUTER}`, {
        auth: auth.basic('u', 'p'),
        netModule,
        maxConnectionPoolSize: 4,
      });
      try {
        const s = d.session({ defaultAccessMode: mode, database });
        const out = await settles(s.run('RETURN 1'), what, SETTLE_MS);
        const closed = await settles(s.close(), `${what}: session close`, SETTLE_MS);
        for (const e of [out.error, closed.error]) {
          if (e === undefined) continue;
          if (!BoltError.isInstance(e) || !ROUTER_FAULT_KINDS.has(e.kind) || e.message === '')
            throw new Error(`${what}: ${e instanceof Error ? e.stack : String(e)}`);
        }
        if (out.error === undefined)
          expect(
            out.value?.records.map((r) => r.get('x')),
            what,
          ).toEqual([1]);
        const key = out.error === undefined ? 'records' : `${(out.error as BoltError).kind}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);

        // the router mends its ways: the same driver serves again
        plan = { how: 'honest' };
        const again = d.session({ defaultAccessMode: mode, database });
        const r = await settles(again.run('RETURN 1'), `${what}: honest query`, SETTLE_MS);
        if (r.error !== undefined)
          throw new Error(
            `${what}: honest query: ${r.error instanceof Error ? r.error.stack : r.error}`,
          );
        expect(
          r.value?.records.map((x) => x.get('x')),
          what,
        ).toEqual([1]);
        await settles(again.close(), `${what}: honest session close`, SETTLE_MS);
      } finally {
        await settles(d.close(), `${what}: driver close`, SETTLE_MS);
      }
    }
    // the generator reached every outcome (a strange table may still be a usable one)
    expect(outcomes.get('records')).toBeGreaterThan(CASES / 20);
    expect(outcomes.get('could-not-connect')).toBeGreaterThan(CASES / 20);
    expect(outcomes.get('server')).toBeGreaterThan(CASES / 50);
  }, 120_000);
});
