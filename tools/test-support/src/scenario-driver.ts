/**
 * What a user of a Bolt driver does, in words every driver shares: the recorded scenarios
 * (recorded-scenarios.ts) are written against this interface, and each driver under test (ours,
 * each major of the official `neo4j-driver`) gets a thin adapter onto it. The adapter hands out
 * values as plain, comparable JavaScript ({@link PlainValue}), and rejects with a
 * {@link ScenarioError}.
 */

/** The drivers the recorded scenarios run against. */
export type DriverName = '@bolt/client' | 'neo4j-driver 6' | 'neo4j-driver 5' | 'neo4j-driver 4';

export type ScenarioAuth =
  | { scheme: 'basic'; user: string; password: string }
  | { scheme: 'bearer'; token: string };

export interface ScenarioDriverConfig {
  /** Default: basic, `neo4j` / `pass`. */
  auth?: ScenarioAuth;
  /** A driver-wide notification filter, sent in HELLO. Default: none. */
  notificationFilter?: { minimumSeverityLevel: string; disabledClassifications: string[] };
  /** The versions to offer, for a driver that lets the user choose (ours); the official
   *  drivers offer a fixed list. Default: the driver's own. */
  protocolVersions?: { major: number; minor: number; range?: number }[];
  /** `user_agent` in HELLO. Default: the driver's own. */
  userAgent?: string;
}

export interface ScenarioSessionConfig {
  database?: string;
  defaultAccessMode?: 'READ' | 'WRITE';
  bookmarks?: string[];
  fetchSize?: number;
  impersonatedUser?: string;
}

/** A driver under test: how to open it, and the Bolt versions it speaks. */
export interface DriverUnderTest {
  name: DriverName;
  /** `major.minor` for each version its handshake offers. */
  boltVersions: readonly string[];
  open(url: string, config: ScenarioDriverConfig): ScenarioDriver;
}

/** An open driver, pointed at the player of one script. */
export interface ScenarioDriver {
  session(config?: ScenarioSessionConfig): ScenarioSession;
  verifyConnectivity(): Promise<void>;
  close(): Promise<void>;
}

/** Whatever runs queries: a session (auto-commit) or a transaction. */
export interface QueryRunner {
  run(query: string, parameters?: Record<string, PlainValue>): ScenarioResult;
}

export interface ScenarioSession extends QueryRunner {
  beginTransaction(): Promise<ScenarioTransaction>;
  /** A managed read transaction, retried on retryable failures. */
  executeRead<T>(work: (tx: QueryRunner) => Promise<T>): Promise<T>;
  /** A managed write transaction, retried on retryable failures. */
  executeWrite<T>(work: (tx: QueryRunner) => Promise<T>): Promise<T>;
  lastBookmarks(): string[];
  close(): Promise<void>;
}

export interface ScenarioTransaction extends QueryRunner {
  commit(): Promise<void>;
  rollback(): Promise<void>;
  isOpen(): boolean;
}

/** A result: await it for every record and the summary, or iterate it (PULL in batches of the
 *  fetch size; leaving the loop early discards the rest). */
export interface ScenarioResult extends PromiseLike<ScenarioOutcome>, AsyncIterable<Row> {
  /** Discard the records not read yet; the summary. */
  consume(): Promise<ScenarioSummary>;
}

export interface ScenarioOutcome {
  records: Row[];
  summary: ScenarioSummary;
}

/** A record as a plain object, key by key. */
export type Row = Record<string, PlainValue>;

export interface ScenarioSummary {
  /** `major.minor`, e.g. `'4.4'`. */
  protocolVersion: string;
  /** `host:port` of the server that answered. */
  serverAddress: string;
  database: string | undefined;
  queryType: string | undefined;
  resultAvailableAfter: number | undefined;
  resultConsumedAfter: number | undefined;
  notifications: {
    code: string;
    severityLevel: string;
    category: string;
    position: { offset: number; line: number; column: number } | undefined;
  }[];
  gqlStatusObjects: { gqlStatus: string; severity: string }[];
}

/** The players of a conversation, as a scenario may ask about them. A cluster's members are
 *  named by their port in the scripts (9000 routers, 9010 readers, 9020 writers), whatever
 *  port they really listen on. */
export interface ScenarioCluster {
  /** The member at `address` (`host:port`, as the driver reports it), or undefined. */
  member(address: string): number | undefined;
  /** How many `message` requests (e.g. `'ROUTE'`) reached the member `port`. */
  count(port: number, message: string): number;
}

/** A failure as a driver reports it; fields the driver does not give are undefined. */
export interface ScenarioError {
  code: string;
  retryable: boolean | undefined;
  gqlStatus: string | undefined;
  gqlStatusDescription: string | undefined;
  classification: string | undefined;
  cause: ScenarioError | undefined;
}

/**
 * A value as the scenarios see it. Bolt's own types are plain objects tagged by `$type`, with
 * the fields every driver names the same way: the adapters turn them into the driver's classes
 * for parameters, and the driver's classes into them for records.
 */
export type PlainValue =
  | null
  | boolean
  | number
  | string
  | PlainValue[]
  | PlainStructure
  | { [key: string]: PlainValue };

export type PlainStructure =
  | PlainTemporal
  | { $type: 'Point'; srid: number; x: number; y: number; z?: number }
  | PlainNode
  | PlainRelationship
  | { $type: 'Path'; start: PlainNode; end: PlainNode; segments: PlainSegment[] };

interface Clock {
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
}
interface Calendar {
  year: number;
  month: number;
  day: number;
}

export type PlainTemporal =
  | ({ $type: 'Date' } & Calendar)
  | ({ $type: 'LocalTime' } & Clock)
  | ({ $type: 'Time'; timeZoneOffsetSeconds: number } & Clock)
  | ({ $type: 'LocalDateTime' } & Calendar & Clock)
  | ({ $type: 'DateTime'; timeZoneOffsetSeconds?: number; timeZoneId?: string } & Calendar & Clock)
  | { $type: 'Duration'; months: number; days: number; seconds: number; nanoseconds: number };

export interface PlainNode {
  $type: 'Node';
  identity: number;
  labels: string[];
  properties: Record<string, PlainValue>;
  elementId: string;
}

export interface PlainRelationship {
  $type: 'Relationship';
  identity: number;
  start: number;
  end: number;
  type: string;
  properties: Record<string, PlainValue>;
  elementId: string;
  startNodeElementId: string;
  endNodeElementId: string;
}

export interface PlainSegment {
  start: PlainNode;
  relationship: PlainRelationship;
  end: PlainNode;
}
