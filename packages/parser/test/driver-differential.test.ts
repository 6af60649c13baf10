/// <reference types="node" />
// Differential test against the official JavaScript driver (neo4j-driver 6.3.0, and the 5.28.3
// and 4.4.11 installed beside it): for every Bolt version both implement, the requests its
// protocol layer writes (HELLO/INIT, LOGON, RUN + PULL,
// BEGIN, COMMIT, ROLLBACK, ROUTE, TELEMETRY, LOGOFF, RESET, GOODBYE) decode with our codec to
// the objects the spec predicts for the inputs given. The driver is only run, never copied.
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BoltVersion,
  compareVersions,
  features,
  formatVersion,
  fromHex,
  hex,
  MessageCodec,
  type Request,
  SUPPORTED_VERSIONS,
} from '../src/internal.js';
import vectors from './fixtures/vectors.json';
import { unframe } from './support.js';

const require = createRequire(import.meta.url);

interface Driver {
  /** npm alias installed at the root. */
  name: string;
  version: string;
  /** Newest Bolt version this driver implements. */
  newest: BoltVersion;
  core: any;
  createProtocol: any;
  Chunker: any;
  Dechunker: any;
  Packer: any;
}

function loadDriver(name: string, newest: BoltVersion): Driver {
  const driverRequire = createRequire(realpathSync(require.resolve(name)));
  const root = dirname(driverRequire.resolve('neo4j-driver-bolt-connection/package.json'));
  const connectionRequire = createRequire(join(root, 'package.json'));
  const { Chunker, Dechunker } = connectionRequire('./lib/channel/chunking.js');
  return {
    name,
    version: connectionRequire('./package.json').version,
    newest,
    core: connectionRequire('neo4j-driver-core'),
    createProtocol: connectionRequire('./lib/bolt/create.js').default,
    Chunker,
    Dechunker,
    Packer: connectionRequire('./lib/packstream/packstream-v1.js').Packer,
  };
}

const drivers = [
  loadDriver('neo4j-driver', { major: 6, minor: 1 }),
  loadDriver('neo4j-driver-5', { major: 5, minor: 8 }),
  loadDriver('neo4j-driver-4', { major: 4, minor: 4 }),
];
const { core, Chunker, Packer } = drivers[0];

/** A protocol object of the official driver whose writes we capture. */
function driverProtocol(driver: Driver, version: BoltVersion) {
  const { core, Chunker, Dechunker, createProtocol } = driver;
  const written: Uint8Array[] = [];
  const channel = {
    write(buf: { _buffer: Uint8Array; length: number }) {
      written.push(Uint8Array.from(buf._buffer.subarray(0, buf.length)));
    },
    onerror: null,
    onmessage: null,
  };
  const chunker = new Chunker(channel);
  const log = {
    isDebugEnabled: () => false,
    isErrorEnabled: () => false,
    isWarnEnabled: () => false,
    isInfoEnabled: () => false,
    debug() {},
    info() {},
    warn() {},
    error() {},
  };
  const observer = {
    onError(e: unknown) {
      throw e;
    },
    onErrorApplyTransformation: (e: unknown) => e,
    onFailure() {},
    onProtocolError(e: unknown) {
      throw e;
    },
  };
  const protocol = createProtocol({
    // 6.x takes a ProtocolVersion; 4.x and 5.x a number such as 4.4.
    version: core.ProtocolVersion
      ? new core.ProtocolVersion(version.major, version.minor)
      : version.major + version.minor / 10,
    chunker,
    dechunker: new Dechunker(),
    channel,
    server: { address: 'localhost:7687' },
    serversideRouting: { address: 'localhost:7687' },
    log,
    observer,
  });
  /** Runs `fn`, flushes, and returns what the driver wrote, as framed bytes. */
  const capture = (fn: (p: any) => void): Uint8Array => {
    written.length = 0;
    fn(protocol);
    chunker.flush();
    return Uint8Array.from(written.flatMap((b) => [...b]));
  };
  return capture;
}

const noop = () => {};
const notificationFilter = { minimumSeverityLevel: 'WARNING', disabledCategories: ['HINT'] };
const boltAgent = {
  product: 'neo4j-javascript/6.3.0',
  platform: 'linux',
  language: 'node/20',
  languageDetails: 'v8',
};
const basic = { scheme: 'basic', principal: 'neo4j', credentials: 'pw' };

/** Bookmarks in the driver's own type: `bookmarks: Bookmarks` from 5.0, `bookmark: Bookmark` in 4.x. */
function bookmarksOption(driver: Driver, values: string[]): Record<string, unknown> {
  const internal = driver.core.internal;
  return internal.bookmarks
    ? { bookmarks: new internal.bookmarks.Bookmarks(values) }
    : { bookmark: new internal.bookmark.Bookmark(values) };
}

/** What the spec says the transaction extra is, for the options we pass. */
function txExtra(version: BoltVersion): Record<string, unknown> {
  const f = features(version);
  if (!f.explicitTx) return {};
  const extra: Record<string, unknown> = {
    bookmarks: ['bm1', 'bm2'],
    tx_timeout: 5000,
    tx_metadata: { app: 'x', n: 5 },
    mode: 'r',
  };
  if (f.db) extra.db = 'neo4j';
  if (f.impUser) extra.imp_user = 'bob';
  if (f.notifFilter) {
    extra.notifications_minimum_severity = 'WARNING';
    extra[
      f.notifKeyClassifications
        ? 'notifications_disabled_classifications'
        : 'notifications_disabled_categories'
    ] = ['HINT'];
  }
  return extra;
}

/** The options the driver accepts for this version (it refuses what the version lacks). */
function txOptions(driver: Driver, version: BoltVersion) {
  const f = features(version);
  const { core } = driver;
  if (!f.explicitTx)
    return {
      ...bookmarksOption(driver, []),
      txConfig: core.internal.txConfig.TxConfig.empty(),
      mode: 'READ',
    };
  return {
    ...bookmarksOption(driver, ['bm1', 'bm2']),
    txConfig: new core.internal.txConfig.TxConfig({
      timeout: 5000,
      metadata: { app: 'x', n: core.int(5) },
    }),
    mode: 'READ',
    database: f.db ? 'neo4j' : undefined,
    impersonatedUser: f.impUser ? 'bob' : undefined,
    notificationFilter: f.notifFilter ? notificationFilter : undefined,
  };
}

function decodeAll(version: BoltVersion, bytes: Uint8Array): Request[] {
  const codec = new MessageCodec({ version });
  return unframe(bytes).map((b) => codec.decodeRequest(b));
}

/** Our own encoding of the same requests, for a byte-level comparison. */
function encodeAll(version: BoltVersion, requests: Request[]): string {
  const codec = new MessageCodec({ version });
  return requests.map((r) => hex(codec.encodeRequestBody(r))).join(' | ');
}

for (const driver of drivers) {
  describe(`official driver ${driver.name} ${driver.version}: requests decode to the expected objects`, () => {
    const { core } = driver;
    const versions = SUPPORTED_VERSIONS.filter((v) => compareVersions(v, driver.newest) <= 0);

    it('covers the versions this driver release offers', () => {
      expect(versions.length).toBeGreaterThan(0);
      expect(versions[0]).toEqual(driver.newest);
    });

    for (const version of versions) {
      const f = features(version);
      describe(`Bolt ${formatVersion(version)}`, () => {
        const capture = driverProtocol(driver, version);

        it('HELLO / INIT (+ LOGON from 5.1)', () => {
          const bytes = capture((p) =>
            p.initialize({
              userAgent: 'ua/1',
              boltAgent,
              authToken: basic,
              notificationFilter: f.notifFilter ? notificationFilter : undefined,
              onError: noop,
              onComplete: noop,
            }),
          );
          const got = decodeAll(version, bytes);
          if (!f.hasHello) {
            expect(got).toEqual([{ type: 'INIT', userAgent: 'ua/1', authToken: basic }]);
            return;
          }
          const extra: Record<string, unknown> = { user_agent: 'ua/1' };
          if (f.hasHelloAuth) Object.assign(extra, basic);
          if (f.routingInHello) extra.routing = { address: 'localhost:7687' };
          if (f.utcPatch) extra.patch_bolt = ['utc'];
          if (f.boltAgent)
            extra.bolt_agent = {
              product: 'neo4j-javascript/6.3.0',
              platform: 'linux',
              language: 'node/20',
              language_details: 'v8',
            };
          if (f.notifFilter) {
            extra.notifications_minimum_severity = 'WARNING';
            extra[
              f.notifKeyClassifications
                ? 'notifications_disabled_classifications'
                : 'notifications_disabled_categories'
            ] = ['HINT'];
          }
          const expected: Request[] = [{ type: 'HELLO', extra }];
          if (f.hasLogon) expected.push({ type: 'LOGON', auth: basic });
          expect(got).toEqual(expected);
          expect(hex(bytes)).toBe(hexOfFramed(encodeAll(version, got)));
        });

        it('auto-commit RUN + PULL / PULL_ALL', () => {
          const bytes = capture((p) =>
            p.run(
              'RETURN $x',
              { x: core.int(1), s: 'é', l: [core.int(1), 2.5] },
              { ...txOptions(driver, version), fetchSize: 1000, flush: true },
            ),
          );
          const got = decodeAll(version, bytes);
          expect(got).toEqual([
            {
              type: 'RUN',
              query: 'RETURN $x',
              parameters: { x: 1, s: 'é', l: [1, 2.5] },
              extra: txExtra(version),
            },
            f.pullN ? { type: 'PULL', extra: { n: 1000 } } : { type: 'PULL_ALL' },
          ]);
          expect(hex(bytes)).toBe(hexOfFramed(encodeAll(version, got)));
        });

        if (f.explicitTx) {
          it('BEGIN, RUN in the transaction, COMMIT, ROLLBACK', () => {
            const bytes = capture((p) => {
              p.beginTransaction({ ...txOptions(driver, version) });
              p.run(
                'RETURN 1',
                {},
                {
                  ...bookmarksOption(driver, []),
                  txConfig: core.internal.txConfig.TxConfig.empty(),
                  fetchSize: 2,
                },
              );
              p.commitTransaction({});
              p.rollbackTransaction({});
            });
            expect(decodeAll(version, bytes)).toEqual([
              { type: 'BEGIN', extra: txExtra(version) },
              { type: 'RUN', query: 'RETURN 1', parameters: {}, extra: {} },
              f.pullN ? { type: 'PULL', extra: { n: 2 } } : { type: 'PULL_ALL' },
              { type: 'COMMIT' },
              { type: 'ROLLBACK' },
            ]);
          });
        }

        if (f.hasRoute) {
          it('ROUTE', () => {
            const bytes = capture((p) =>
              p.requestRoutingInformation({
                routingContext: { address: 'localhost:7687', region: 'eu' },
                databaseName: 'neo4j',
                impersonatedUser: f.impUser ? 'bob' : undefined,
                sessionContext: bookmarksOption(driver, ['bm1', 'bm2']),
                onError: noop,
                onCompleted: noop,
              }),
            );
            const route: Request = {
              type: 'ROUTE',
              routing: { address: 'localhost:7687', region: 'eu' },
              bookmarks: ['bm1', 'bm2'],
              db: 'neo4j',
            };
            if (f.impUser) route.impUser = 'bob';
            const got = decodeAll(version, bytes);
            expect(got).toEqual([route]);
            expect(hex(bytes)).toBe(hexOfFramed(encodeAll(version, got)));
            // Home database: 4.3 sends null, 4.4+ an empty map; both decode to "no db".
            const home = decodeAll(
              version,
              capture((p) =>
                p.requestRoutingInformation({
                  routingContext: {},
                  onError: noop,
                  onCompleted: noop,
                }),
              ),
            );
            expect(home).toEqual([
              f.routeExtraMap
                ? { type: 'ROUTE', routing: {}, bookmarks: [] }
                : { type: 'ROUTE', routing: {}, bookmarks: [], db: null },
            ]);
          });
        }

        if (f.telemetry) {
          it('TELEMETRY', () => {
            for (const api of [0, 1, 2, 3]) {
              const got = decodeAll(
                version,
                capture((p) => p.telemetry({ api }, { onError: noop, onCompleted: noop })),
              );
              expect(got).toEqual([{ type: 'TELEMETRY', api }]);
            }
          });
        }

        if (f.hasLogon) {
          it('LOGOFF', () => {
            expect(
              decodeAll(
                version,
                capture((p) => p.logoff({ flush: true })),
              ),
            ).toEqual([{ type: 'LOGOFF' }]);
          });
        }

        it('RESET and GOODBYE', () => {
          expect(
            decodeAll(
              version,
              capture((p) => p.reset({})),
            ),
          ).toEqual([{ type: 'RESET' }]);
          if (f.goodbye)
            expect(
              decodeAll(
                version,
                capture((p) => p.prepareToClose()),
              ),
            ).toEqual([{ type: 'GOODBYE' }]);
        });
      });
    }
  });
}

function hexOfFramed(bodies: string): string {
  // Frame each body the way both writers do for small messages: one chunk, then 00 00.
  return bodies
    .split(' | ')
    .map((b) => {
      const bytes = fromHex(b);
      return hex(Uint8Array.from([bytes.length >> 8, bytes.length & 0xff, ...bytes, 0, 0]));
    })
    .join(' ');
}

describe('spec-derived vectors re-encoded by the official packer', () => {
  const SIG: Record<string, number> = {
    HELLO: 0x01,
    GOODBYE: 0x02,
    DISCARD_ALL: 0x2f,
    BEGIN: 0x11,
    RUN: 0x10,
    ROUTE: 0x66,
    SUCCESS: 0x70,
  };
  const toDriver = (x: unknown): unknown =>
    typeof x === 'number'
      ? core.int(x)
      : Array.isArray(x)
        ? x.map(toDriver)
        : x && typeof x === 'object'
          ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, toDriver(y)]))
          : x;
  for (const vector of vectors.messages.filter((m) => m.source === 'spec')) {
    it(vector.name, () => {
      const msg = vector.message as Record<string, any>;
      const fields =
        msg.type === 'RUN'
          ? [msg.query, msg.parameters, msg.extra]
          : msg.type === 'ROUTE'
            ? [
                msg.routing,
                msg.bookmarks,
                {
                  ...(msg.db === undefined ? {} : { db: msg.db }),
                  ...(msg.impUser === undefined ? {} : { imp_user: msg.impUser }),
                },
              ]
            : msg.extra
              ? [msg.extra]
              : msg.metadata
                ? [msg.metadata]
                : [];
      let out: Uint8Array = new Uint8Array(0);
      const chunker = new Chunker({
        write(b: { _buffer: Uint8Array; length: number }) {
          out = Uint8Array.from(b._buffer.subarray(0, b.length));
        },
      });
      const packer = new Packer(chunker);
      packer.packStruct(
        SIG[msg.type],
        (toDriver(fields) as unknown[]).map((f) => packer.packable(f)),
      );
      chunker.messageBoundary();
      chunker.flush();
      expect(hex(out)).toBe(hex(fromHex(vector.wire)));
    });
  }
});
