import type {
  Record as BoltRecord,
  BookmarkManager,
  Driver,
  ManagedTransaction,
  Result,
  Session,
  Transaction,
} from '@bolt/client/node';
import type { NetModuleInput } from '@bolt/net-adapters';
import { BackendError, driverError, FrontendError } from './errors.js';
import { TestkitClock } from './fake-time.js';
import type { TestkitResponse } from './framing.js';

/** Options of the backend (and of each connection's context). */
export interface BackendOptions {
  /** How the drivers reach servers. Default: the client's node entry picks TCP or TLS by the
   *  URL scheme. Tests pass an in-memory network. */
  netModule?: NetModuleInput;
  /** Where the backend reports what it does (one line per request). Default: nothing. */
  log?: (line: string) => void;
}

/** A driver's test-only state. */
export interface DriverEntry {
  driver: Driver;
}

/** A transaction handed to testkit: explicit, or the one a managed transaction's work got. */
export interface TxEntry {
  tx: Transaction | ManagedTransaction;
  sessionId: number;
  /** Managed transactions: finish the work function (RetryablePositive / RetryableNegative). */
  settle?: { resolve(): void; reject(e: unknown): void };
  /** Managed transactions: the results the work started (see `TransactionCommit`). */
  results?: Result<any>[];
}

/** A result handed to testkit, with the iterator `ResultNext` reads from. */
export interface ResultEntry {
  result: Result<any>;
  iterator?: AsyncIterator<BoltRecord<any>>;
}

interface PendingCallback {
  resolve(value: any): void;
  reject(e: unknown): void;
}

/**
 * Everything one testkit connection created: drivers, sessions, transactions, results, errors,
 * bookmark managers, auth providers, and the callbacks the backend is waiting on. Ids are
 * numbers shared by every kind (testkit treats them as opaque).
 */
export class Context {
  private nextId = 1;
  readonly drivers = new Map<number, DriverEntry>();
  readonly sessions = new Map<number, Session>();
  readonly txs = new Map<number, TxEntry>();
  readonly results = new Map<number, ResultEntry>();
  readonly errors = new Map<number, unknown>();
  readonly bookmarkManagers = new Map<number, BookmarkManager>();
  /** Auth token managers: what a `NewDriver` with `authTokenManagerId` gets. */
  readonly authManagers = new Map<number, unknown>();
  private readonly callbacks = new Map<number, PendingCallback>();
  /** The clock of every driver and auth token manager made here: real time until testkit
   *  freezes it (`FakeTimeInstall`, `Backend:MockTime`). */
  readonly clock = new TestkitClock();

  constructor(
    readonly options: BackendOptions,
    private readonly send: (response: TestkitResponse) => void,
  ) {}

  id(): number {
    return this.nextId++;
  }

  write(name: string, data: Record<string, unknown> | null = {}): void {
    this.send({ name, data });
  }

  /** Report an error the client raised (kept under an id so `RetryableNegative` can name it),
   *  or a `FrontendError` / `BackendError`. */
  writeError(e: unknown): void {
    if (e instanceof FrontendError) {
      this.write('FrontendError', { msg: e.message });
      return;
    }
    if (e instanceof BackendError) {
      this.write('BackendError', { msg: e.message });
      return;
    }
    const id = this.id();
    this.errors.set(id, e);
    this.send(driverError(String(id), e));
  }

  /** Ask testkit something (resolver, bookmark supplier, auth token, ...) and wait for the
   *  `...Completed` request that carries the answer. */
  ask<T>(name: string, data: (id: number) => Record<string, unknown>): Promise<T> {
    const id = this.id();
    return new Promise<T>((resolve, reject) => {
      this.callbacks.set(id, { resolve, reject });
      this.write(name, data(id));
    });
  }

  /** Deliver testkit's answer to `ask()`. */
  answer(requestId: unknown, value: unknown): void {
    const id = Number(requestId);
    const cb = this.callbacks.get(id);
    if (!cb) throw new BackendError(`no callback request ${requestId} is waiting`);
    this.callbacks.delete(id);
    cb.resolve(value);
  }

  driver(id: unknown): DriverEntry {
    return get(this.drivers, id, 'driver');
  }
  session(id: unknown): Session {
    return get(this.sessions, id, 'session');
  }
  tx(id: unknown): TxEntry {
    return get(this.txs, id, 'transaction');
  }
  result(id: unknown): ResultEntry {
    return get(this.results, id, 'result');
  }

  /** The connection to testkit closed: fail whatever waits on it, close every driver. */
  async dispose(): Promise<void> {
    for (const cb of this.callbacks.values())
      cb.reject(new BackendError('testkit closed the connection'));
    this.callbacks.clear();
    for (const tx of this.txs.values()) tx.settle?.reject(new FrontendError());
    await Promise.allSettled([...this.drivers.values()].map((d) => d.driver.close()));
    this.drivers.clear();
  }
}

function get<T>(map: Map<number, T>, id: unknown, what: string): T {
  const v = map.get(Number(id));
  if (v === undefined) throw new BackendError(`no ${what} with id ${JSON.stringify(id)}`);
  return v;
}
