import { type BoltVersion, features, type SuccessMetadata } from '@bolt/parser';
import { isMap } from '@bolt/parser/internal';
import {
  type GqlStatusObject,
  mapsIn,
  type Notification,
  numberOf,
  polyfillStatuses,
  statusToNotification,
  textOf,
  toGqlStatus,
  toNotification,
} from './notifications.js';

const COUNTERS = [
  ['nodesCreated', 'nodes-created'],
  ['nodesDeleted', 'nodes-deleted'],
  ['relationshipsCreated', 'relationships-created'],
  ['relationshipsDeleted', 'relationships-deleted'],
  ['propertiesSet', 'properties-set'],
  ['labelsAdded', 'labels-added'],
  ['labelsRemoved', 'labels-removed'],
  ['indexesAdded', 'indexes-added'],
  ['indexesRemoved', 'indexes-removed'],
  ['constraintsAdded', 'constraints-added'],
  ['constraintsRemoved', 'constraints-removed'],
  ['systemUpdates', 'system-updates'],
] as const;

type CounterName = (typeof COUNTERS)[number][0];

/** No notifications (only read). */
const NO_NOTES: readonly Record<string, unknown>[] = Object.freeze([]);

/** Update counters of a query (`stats`); a counter the server did not send is 0. */
export class QueryStatistics {
  readonly nodesCreated: number = 0;
  readonly nodesDeleted: number = 0;
  readonly relationshipsCreated: number = 0;
  readonly relationshipsDeleted: number = 0;
  readonly propertiesSet: number = 0;
  readonly labelsAdded: number = 0;
  readonly labelsRemoved: number = 0;
  readonly indexesAdded: number = 0;
  readonly indexesRemoved: number = 0;
  readonly constraintsAdded: number = 0;
  readonly constraintsRemoved: number = 0;
  readonly systemUpdates: number = 0;
  private readonly _containsUpdates: boolean | undefined;
  private readonly _containsSystemUpdates: boolean | undefined;

  constructor(stats?: Record<string, unknown>) {
    // no `stats` (a read query): every counter stays 0, both flags undefined
    if (!isMap(stats)) return;
    const self = this as unknown as Record<CounterName, number>;
    for (let i = 0; i < COUNTERS.length; i++) {
      const v = stats[COUNTERS[i][1]];
      if (v !== undefined && v !== null) self[COUNTERS[i][0]] = numberOf(v, 0);
    }
    this._containsUpdates =
      typeof stats['contains-updates'] === 'boolean' ? stats['contains-updates'] : undefined;
    this._containsSystemUpdates =
      typeof stats['contains-system-updates'] === 'boolean'
        ? stats['contains-system-updates']
        : undefined;
  }

  /** Whether the query changed data (the server's flag, else any non-system counter > 0). */
  containsUpdates(): boolean {
    if (this._containsUpdates !== undefined) return this._containsUpdates;
    return COUNTERS.some(([n]) => n !== 'systemUpdates' && (this as any)[n] > 0);
  }

  /** Whether the query changed the system database. */
  containsSystemUpdates(): boolean {
    return this._containsSystemUpdates ?? this.systemUpdates > 0;
  }

  /** Counters as a plain object. */
  updates(): { [K in CounterName]: number } {
    const o: any = {};
    for (const [n] of COUNTERS) o[n] = (this as any)[n];
    return o;
  }
}

/** A node of an EXPLAIN plan or PROFILE. */
export interface Plan {
  operatorType: string;
  identifiers: string[];
  arguments: Record<string, unknown>;
  children: Plan[];
}
/** A node of a PROFILE. Page cache figures and time are reported by some runtimes only:
 *  undefined when the server did not send them. */
export interface ProfiledPlan extends Plan {
  dbHits: number;
  rows: number;
  pageCacheHits?: number;
  pageCacheMisses?: number;
  pageCacheHitRatio?: number;
  time?: number;
  children: ProfiledPlan[];
}

export interface ServerInfo {
  /** `host:port` the connection reached. */
  address: string;
  /** The server's agent string, e.g. `Neo4j/5.26.0`. */
  agent: string;
  /** The negotiated Bolt version, e.g. `5.8`. */
  protocolVersion: string;
}

export type QueryType = 'r' | 'w' | 'rw' | 's' | undefined;

/**
 * Everything the server reported about a finished query: counters, plan/profile,
 * notifications and GQL statuses (polyfilled both ways across versions), timings, server,
 * database.
 */
export class ResultSummary {
  readonly query: { text: string; parameters: Record<string, unknown> };
  /** `'r'` read, `'w'` write, `'rw'`, `'s'` schema. */
  readonly queryType: QueryType;
  readonly counters: QueryStatistics;
  readonly plan: Plan | false;
  readonly profile: ProfiledPlan | false;
  readonly notifications: Notification[];
  readonly gqlStatusObjects: GqlStatusObject[];
  readonly server: ServerInfo;
  /** Milliseconds until the first record was available (`t_first`). */
  readonly resultAvailableAfter: number;
  /** Milliseconds to consume the result (`t_last`). */
  readonly resultConsumedAfter: number;
  readonly database: { name: string | undefined };
  /** The bookmark of an auto-commit query, if the server sent one. */
  readonly bookmark: string | undefined;
  /** The raw metadata of the RUN and final PULL/DISCARD SUCCESS, merged. */
  readonly metadata: Record<string, unknown>;

  constructor(
    query: { text: string; parameters: Record<string, unknown> },
    metadata: SuccessMetadata,
    server: ServerInfo,
    version: BoltVersion,
    /** Whether the query produced records; undefined when it is unknown (the rest was
     *  discarded before any record was seen). */
    hasRecords: boolean | undefined,
  ) {
    this.query = query;
    this.metadata = metadata;
    this.queryType = metadata.type as QueryType;
    this.counters = new QueryStatistics(metadata.stats ?? undefined);
    this.plan = metadata.plan ? toPlan(metadata.plan) : false;
    this.profile = metadata.profile ? toProfile(metadata.profile) : false;
    this.server = server;
    this.resultAvailableAfter = numberOf(metadata.t_first ?? metadata.result_available_after, -1);
    this.resultConsumedAfter = numberOf(metadata.t_last ?? metadata.result_consumed_after, -1);
    this.database = { name: typeof metadata.db === 'string' ? metadata.db : undefined };
    this.bookmark = typeof metadata.bookmark === 'string' ? metadata.bookmark : undefined;
    // entries that are not maps are skipped
    const statuses = Array.isArray(metadata.statuses) ? mapsIn(metadata.statuses) : undefined;
    const notes = Array.isArray(metadata.notifications) ? mapsIn(metadata.notifications) : NO_NOTES;
    if (statuses && features(version).statuses) {
      this.gqlStatusObjects = statuses.map((s) => toGqlStatus(s));
      this.notifications = statuses
        .filter((s) => typeof s.neo4j_code === 'string')
        .map(statusToNotification);
    } else {
      this.notifications = notes.map(toNotification);
      this.gqlStatusObjects = polyfillStatuses(notes, hasRecords, metadata);
    }
  }

  /** Whether the query was EXPLAINed or PROFILEd. */
  hasPlan(): boolean {
    return this.plan !== false || this.profile !== false;
  }
  hasProfile(): boolean {
    return this.profile !== false;
  }
  /** The official driver's name for `counters`. */
  get updateStatistics(): QueryStatistics {
    return this.counters;
  }
}

// A plan or profile the server sent: what is not a map reads as an empty one, children that are
// not maps are skipped.

function toPlan(raw: unknown): Plan {
  const p = isMap(raw) ? raw : {};
  return {
    operatorType: textOf(p.operatorType, ''),
    identifiers: Array.isArray(p.identifiers) ? p.identifiers : [],
    arguments: isMap(p.args) ? p.args : {},
    children: Array.isArray(p.children) ? mapsIn(p.children).map(toPlan) : [],
  };
}

function toProfile(raw: unknown): ProfiledPlan {
  const p = isMap(raw) ? raw : {};
  const out: ProfiledPlan = {
    ...toPlan(p),
    dbHits: numberOf(p.dbHits, 0),
    rows: numberOf(p.rows, 0),
    children: Array.isArray(p.children) ? mapsIn(p.children).map(toProfile) : [],
  };
  for (const key of ['pageCacheHits', 'pageCacheMisses', 'pageCacheHitRatio', 'time'] as const)
    if (p[key] !== undefined && p[key] !== null) out[key] = numberOf(p[key], 0);
  return out;
}
