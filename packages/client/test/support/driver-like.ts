/**
 * The driver-neutral interface of the recorded scenarios (`@bolt/test-support`) over any driver
 * shaped like `neo4j-driver`: ours is modelled on it, so one mapping serves every driver and
 * each adapter only says how its values and errors become plain ones.
 */
import type {
  PlainValue,
  QueryRunner,
  Row,
  ScenarioDriver,
  ScenarioError,
  ScenarioOutcome,
  ScenarioResult,
  ScenarioSession,
  ScenarioSessionConfig,
  ScenarioSummary,
  ScenarioTransaction,
} from '@bolt/test-support';

/* The shapes the mapping reads, loose enough for every major of neo4j-driver and ours. */
export interface RecordLike {
  keys: readonly PropertyKey[];
  get(key: string): unknown;
}
export interface ResultLike extends PromiseLike<{ records: RecordLike[]; summary: SummaryLike }> {
  consume?(): PromiseLike<SummaryLike>;
  summary(): PromiseLike<SummaryLike>;
  [Symbol.asyncIterator]?(): AsyncIterator<RecordLike>;
  subscribe(observer: {
    onNext(record: RecordLike): void;
    onCompleted(): void;
    onError(error: unknown): void;
  }): void;
}
export interface SummaryLike {
  server: { protocolVersion?: unknown; address?: string };
  database: { name?: string | null };
  queryType?: string;
  resultAvailableAfter?: unknown;
  resultConsumedAfter?: unknown;
  notifications: {
    code: string;
    severityLevel?: string;
    /** neo4j-driver 4.4's name for `severityLevel`. */
    severity?: string;
    category?: string;
    position?: { offset: unknown; line: unknown; column: unknown } | Record<string, never>;
  }[];
  gqlStatusObjects?: { gqlStatus: string; severity: string }[];
}
export interface RunnerLike {
  run(query: string, parameters?: Record<string, unknown>): ResultLike;
}
export interface TransactionLike extends RunnerLike {
  commit(): Promise<unknown>;
  rollback(): Promise<unknown>;
  isOpen(): boolean;
}
export interface SessionLike extends RunnerLike {
  beginTransaction(): Promise<TransactionLike>;
  executeRead<T>(work: (tx: RunnerLike) => Promise<T>): Promise<T>;
  executeWrite<T>(work: (tx: RunnerLike) => Promise<T>): Promise<T>;
  lastBookmarks(): string[];
  close(): Promise<unknown>;
}
export interface DriverLike {
  session(config: ScenarioSessionConfig): SessionLike;
  verifyConnectivity(): Promise<unknown>;
  close(): Promise<unknown>;
}

/** How one driver's values and errors become plain ones, and plain values its own. */
export interface DriverMapping {
  /** A value of the driver's (a record's field, a summary number) as a plain value. */
  toPlain(value: unknown): PlainValue;
  /** A plain parameter as the driver's value. */
  fromPlain(value: PlainValue): unknown;
  /** A failure of the driver's as the scenarios see it. */
  toError(error: unknown): ScenarioError;
}

export function driverLike(driver: DriverLike, mapping: DriverMapping): ScenarioDriver {
  // the same failure seen twice is the same ScenarioError, so identity can be observed
  const errors = new WeakMap<object, ScenarioError>();
  // and a managed transaction's work hands the driver its own failure back, to judge retries
  const raw = new WeakMap<ScenarioError, unknown>();
  const fail = (e: unknown): never => {
    if (typeof e !== 'object' || e === null) throw mapping.toError(e);
    let seen = errors.get(e);
    if (!seen) {
      seen = mapping.toError(e);
      errors.set(e, seen);
      raw.set(seen, e);
    }
    throw seen;
  };
  const managed =
    <T>(work: (tx: QueryRunner) => Promise<T>) =>
    (tx: RunnerLike): Promise<T> =>
      work(runner(tx)).catch((e: unknown) => {
        throw (typeof e === 'object' && e !== null && raw.get(e as ScenarioError)) || e;
      });
  const guard = <T>(p: PromiseLike<T>): Promise<T> => Promise.resolve(p).then(undefined, fail);

  const row = (r: RecordLike): Row =>
    Object.fromEntries(r.keys.map((k) => [k, mapping.toPlain(r.get(String(k)))]));
  const num = (v: unknown) => (v === undefined || v === null ? undefined : Number(v));
  const summary = (s: SummaryLike): ScenarioSummary => ({
    protocolVersion: protocolVersion(s.server.protocolVersion),
    serverAddress: String(s.server.address),
    database: s.database.name ?? undefined,
    queryType: s.queryType,
    resultAvailableAfter: num(s.resultAvailableAfter),
    resultConsumedAfter: num(s.resultConsumedAfter),
    notifications: s.notifications.map((n) => ({
      code: n.code,
      severityLevel: String(n.severityLevel ?? n.severity),
      category: String(n.category),
      position:
        n.position && 'offset' in n.position
          ? {
              offset: Number(n.position.offset),
              line: Number(n.position.line),
              column: Number(n.position.column),
            }
          : undefined,
    })),
    gqlStatusObjects: (s.gqlStatusObjects ?? []).map((g) => ({
      gqlStatus: g.gqlStatus,
      severity: g.severity,
    })),
  });

  const result = (run: () => ResultLike): ScenarioResult => {
    let r: ResultLike | undefined;
    let thrown: Promise<never> | undefined;
    try {
      r = run();
    } catch (e) {
      // a driver that throws at once is judged as one that rejects
      thrown = Promise.resolve().then(() => fail(e));
      thrown.catch(() => {});
    }
    const outcome = (): Promise<ScenarioOutcome> =>
      thrown ??
      guard(r!).then((o) => ({ records: o.records.map(row), summary: summary(o.summary) }));
    return {
      // biome-ignore lint/suspicious/noThenProperty: a result is awaitable, as the drivers' are
      then: (ok, ko) => outcome().then(ok, ko),
      // neo4j-driver names it summary()
      consume: () => thrown ?? guard((r!.consume ?? r!.summary).call(r)).then(summary),
      async *[Symbol.asyncIterator]() {
        if (thrown) await thrown;
        const it = r![Symbol.asyncIterator]?.() ?? streamed(r!);
        let ended = false;
        try {
          for (;;) {
            const next = await guard(it.next()).catch((e: unknown) => {
              ended = true;
              throw e;
            });
            if (next.done) {
              ended = true;
              return;
            }
            yield row(next.value);
          }
        } finally {
          // leaving the loop early: the driver discards the rest
          if (!ended) await guard(it.return?.() ?? Promise.resolve(undefined));
        }
      },
    };
  };

  const params = (p: Record<string, PlainValue> | undefined) =>
    p && Object.fromEntries(Object.entries(p).map(([k, v]) => [k, mapping.fromPlain(v)]));
  const runner = (target: RunnerLike): QueryRunner => ({
    run: (query, parameters) => result(() => target.run(query, params(parameters))),
  });
  const transaction = (tx: TransactionLike): ScenarioTransaction => ({
    ...runner(tx),
    commit: () => guard(tx.commit()).then(() => undefined),
    rollback: () => guard(tx.rollback()).then(() => undefined),
    isOpen: () => tx.isOpen(),
  });
  const session = (s: SessionLike): ScenarioSession => ({
    ...runner(s),
    beginTransaction: () => guard(s.beginTransaction()).then(transaction),
    executeRead: (work) => guard(s.executeRead(managed(work))),
    executeWrite: (work) => guard(s.executeWrite(managed(work))),
    lastBookmarks: () => [...s.lastBookmarks()],
    close: () => guard(s.close()).then(() => undefined),
  });
  return {
    session: (config = {}) => session(driver.session(config)),
    verifyConnectivity: () => guard(driver.verifyConnectivity()).then(() => undefined),
    close: () => guard(driver.close()).then(() => undefined),
  };
}

/** `major.minor` from a string (ours, neo4j-driver 6), or a number (4.4 for 4.4, 5 for 5.0). */
function protocolVersion(v: unknown): string {
  return typeof v === 'number' ? v.toFixed(1) : String(v);
}

/** The records of a result that is not async-iterable (neo4j-driver 4.4), as its `subscribe`
 *  streams them: batches of the fetch size, read to the end (leaving early cannot stop it). */
function streamed(result: ResultLike): AsyncIterator<RecordLike> {
  const records: RecordLike[] = [];
  let end: { error: unknown } | undefined;
  let wake = () => {};
  result.subscribe({
    onNext: (r) => {
      records.push(r);
      wake();
    },
    onCompleted: () => {
      end = { error: undefined };
      wake();
    },
    onError: (error) => {
      end = { error };
      wake();
    },
  });
  return {
    async next() {
      while (records.length === 0 && !end) await new Promise<void>((r) => (wake = r));
      const value = records.shift();
      if (value) return { done: false, value };
      if (end?.error !== undefined) throw end.error;
      return { done: true, value: undefined };
    },
  };
}
