import type { ListenerModule, ListenOptions } from '@bolt/net-adapters';
import { BoltError } from './bolt-error.js';
import type { Handler, QueryContext, QueryFunction, RoutingTable } from './handler.js';
import { type BoltServer, createServer, normalizeHandler } from './server.js';
import type { ServerOptions } from './server-options.js';

/** Options of {@link createCluster}. Every {@link ServerOptions} option applies to each member. */
export interface ClusterOptions extends Omit<ServerOptions, 'handler' | 'advertisedAddress'> {
  /** The logic every member runs: one handler, shared, so the members see the same data. Its
   *  `route` hook is not used: the cluster answers ROUTE. */
  handler: Handler | QueryFunction;
  /** How the members listen (`tcp()` from `@bolt/net-adapters/node`, `memoryNetwork().listener`,
   *  `tls()`...). Required. */
  listener: ListenerModule;
  /** Extra listen options for every member (e.g. `{ tls: { cert, key } }`). Default none. */
  listenOptions?: Omit<ListenOptions, 'host' | 'port'>;
  /** How many members. Default 3. */
  members?: number;
  /** The host the members listen on and advertise in routing tables. Default `'127.0.0.1'`. */
  host?: string;
  /** The members' ports; 0 lets the system pick one, kept across restarts. Default all 0. */
  ports?: readonly number[];
  /** Seconds a client may cache a routing table. Default 300 (Neo4j's default). */
  ttl?: number;
  /** The member that leads at start. Default 0. */
  leader?: number;
  /** When the leader stops, the first running member after it takes over at once. With
   *  `false` there is no writer until {@link BoltCluster.setLeader}. Default true. */
  autoElect?: boolean;
}

/** One member of a {@link BoltCluster}. */
export interface ClusterMember {
  readonly index: number;
  /** `host:port`, as routing tables name it. */
  readonly address: string;
  /** Whether it accepts connections. */
  readonly running: boolean;
  /** The member's server while it runs. */
  readonly server: BoltServer | undefined;
}

/** Several `@bolt/server` instances answering ROUTE with a table that names them. */
export interface BoltCluster {
  readonly members: readonly ClusterMember[];
  /** The index of the member that takes writes; undefined while there is none. */
  readonly leader: number | undefined;
  /** `neo4j://host:port` of the first member: a routing driver starts there. */
  readonly url: string;
  /** The table ROUTE answers now: the running members route, the leader writes, the running
   *  followers read (the leader too when it runs alone). */
  routingTable(): RoutingTable;
  /** Make `index` the leader (it must run), or leave the cluster without one (`undefined`). */
  setLeader(index: number | undefined): void;
  /** Take a member down: it stops accepting, lets work in flight finish for `graceMs` (default
   *  0: connections are cut at once, as in a crash) and closes. */
  stop(index: number, options?: { graceMs?: number }): Promise<void>;
  /** Bring a stopped member back on its port. */
  start(index: number): Promise<void>;
  /** Stop every member. */
  close(options?: { graceMs?: number }): Promise<void>;
}

const NOT_A_LEADER = 'Neo.ClientError.Cluster.NotALeader';

/**
 * Start a cluster of `@bolt/server` members in this process, sharing one handler. Each member
 * answers ROUTE (and the routing procedures of Bolt 3–4.2 clients) with the current table, so
 * `neo4j://` drivers spread reads over the followers and send writes to the leader. Followers
 * refuse transactions in write mode with `Neo.ClientError.Cluster.NotALeader`, as a Neo4j
 * follower refuses writes: a routing driver forgets that writer, fetches a new table and
 * retries. A commit on a member that lost the leadership meanwhile is refused the same way
 * (the handler's `rollback` is called instead of `commit`).
 *
 * For tests of fail-over (`stop`, `start`, `setLeader`) and to serve one service on several
 * ports. Members in several processes or machines are built the same way: give each server a
 * `route` hook that names all of them.
 */
export async function createCluster(options: ClusterOptions): Promise<BoltCluster> {
  const cluster = new Cluster(options);
  try {
    for (let i = 0; i < cluster.members.length; i++) await cluster.start(i);
  } catch (e) {
    await cluster.close();
    throw e;
  }
  return cluster;
}

class Member implements ClusterMember {
  port: number;
  server: BoltServer | undefined;

  constructor(
    readonly index: number,
    readonly host: string,
    port: number,
  ) {
    this.port = port;
  }

  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }
}

class Cluster implements BoltCluster {
  readonly members: Member[];
  leader: number | undefined;
  private readonly handler: Handler;
  private readonly ttl: number;

  constructor(private readonly options: ClusterOptions) {
    const n = options.members ?? 3;
    if (!(Number.isInteger(n) && n >= 1))
      throw new TypeError(`createCluster: members must be an integer >= 1, got ${n}`);
    const ports = options.ports ?? [];
    if (ports.length !== 0 && ports.length !== n)
      throw new TypeError(`createCluster: ${ports.length} ports for ${n} members`);
    const host = options.host ?? '127.0.0.1';
    this.members = Array.from({ length: n }, (_, i) => new Member(i, host, ports[i] ?? 0));
    this.ttl = options.ttl ?? 300;
    if (!(Number.isInteger(this.ttl) && this.ttl >= 0))
      throw new TypeError(`createCluster: ttl must be an integer >= 0, got ${this.ttl}`);
    this.leader = options.leader ?? 0;
    if (this.members[this.leader] === undefined)
      throw new TypeError(`createCluster: no member ${this.leader} to lead`);
    this.handler = normalizeHandler(options.handler);
  }

  get url(): string {
    return `neo4j://${this.members[0].address}`;
  }

  routingTable(): RoutingTable {
    const running = this.members.filter((m) => m.running);
    const leader = this.leader === undefined ? undefined : this.members[this.leader];
    const writers = leader?.running ? [leader.address] : [];
    const followers = running.filter((m) => m !== leader).map((m) => m.address);
    return {
      ttl: this.ttl,
      servers: [
        { addresses: running.map((m) => m.address), role: 'ROUTE' },
        { addresses: followers.length > 0 ? followers : writers, role: 'READ' },
        { addresses: writers, role: 'WRITE' },
      ],
    };
  }

  setLeader(index: number | undefined): void {
    if (index !== undefined && !this.members[index]?.running)
      throw new Error(`setLeader: member ${index} is not running`);
    this.leader = index;
  }

  async start(index: number): Promise<void> {
    const member = this.member(index);
    if (member.running) return;
    const { handler: _h, listener, listenOptions, ...serverOptions } = this.options;
    const server = createServer({
      connectionIdPrefix: `m${index}-bolt-`,
      ...serverOptions,
      handler: this.memberHandler(member),
    });
    const l = await server.listen(listener, {
      ...listenOptions,
      host: member.host,
      port: member.port,
    });
    member.port = l.address.port;
    member.server = server;
  }

  async stop(index: number, options: { graceMs?: number } = {}): Promise<void> {
    const member = this.member(index);
    const server = member.server;
    if (!server) return;
    member.server = undefined;
    if (this.leader === index) {
      this.leader = undefined;
      if (this.options.autoElect !== false) {
        const n = this.members.length;
        for (let k = 1; k < n; k++) {
          const next = this.members[(index + k) % n];
          if (next.running) {
            this.leader = next.index;
            break;
          }
        }
      }
    }
    await server.close({ graceMs: options.graceMs ?? 0 });
  }

  async close(options: { graceMs?: number } = {}): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        const server = m.server;
        m.server = undefined;
        await server?.close({ graceMs: options.graceMs ?? 0 });
      }),
    );
  }

  private member(index: number): Member {
    const m = this.members[index];
    if (!m) throw new RangeError(`no cluster member ${index}`);
    return m;
  }

  private isLeader(member: Member): boolean {
    return this.leader === member.index;
  }

  /** The shared handler, seen through one member: writes only on the leader, ROUTE answered
   *  from the cluster's state. */
  private memberHandler(member: Member): Handler {
    const inner = this.handler;
    const refuse = (what: string) => {
      if (this.isLeader(member)) return;
      throw new BoltError(
        `${member.address} is not the leader: ${what} must go to the leader (${this.leaderAddress()})`,
        { code: NOT_A_LEADER },
      );
    };
    const handler: Handler = {
      run: (query, parameters, context) => {
        if (!context.inTransaction && context.mode === 'w') refuse('a write');
        return inner.run(query, parameters, context);
      },
      begin: (context) => {
        if (context.mode === 'w') refuse('a write transaction');
        return inner.begin?.(context);
      },
      commit: async (context: QueryContext) => {
        if (context.mode === 'w' && !this.isLeader(member)) {
          await inner.rollback?.(context);
          refuse('the commit of a write transaction');
        }
        return inner.commit?.(context);
      },
      rollback: inner.rollback ? (context) => inner.rollback!(context) : undefined,
      route: () => this.routingTable(),
    };
    if (inner.authenticate) handler.authenticate = (t, c) => inner.authenticate!(t, c);
    if (inner.telemetry) handler.telemetry = (api, c) => inner.telemetry!(api, c);
    return handler;
  }

  private leaderAddress(): string {
    return this.leader === undefined ? 'none elected' : this.members[this.leader].address;
  }
}
