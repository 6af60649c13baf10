import { isNotificationStatus, statusesFromNotifications } from '@bolt/parser/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, type Driver, driver, ResultSummary } from '../src/index.js';
import { toGqlStatus } from '../src/notifications.js';
import { type Fixture, memoryServer } from './support/bolt-fixture.js';
import { newSeen, testHandler } from './support/test-handler.js';

// Notifications and GQL status objects across versions, as the conformance suite (testkit,
// tests/stub/summary) expects them: raw values kept, known values normalised, pre-5.6
// statuses synthesised in GQL order.

const server = { address: 'h:1', agent: 'Neo4j/5.26.0', protocolVersion: '4.4' };
const V44 = { major: 4, minor: 4 };
const V56 = { major: 5, minor: 6 };
const DEFAULT_DIAG = { OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' };

function summary(
  metadata: Record<string, unknown>,
  version = V44,
  hasRecords: boolean | undefined = true,
): ResultSummary {
  return new ResultSummary(
    { text: 'RETURN 1', parameters: {} },
    metadata,
    server,
    version,
    hasRecords,
  );
}

const note = (over: Record<string, unknown> = {}) => ({
  severity: 'WARNING',
  category: 'HINT',
  description: 'If a part of a query contains multiple disconnected patterns, ...',
  code: 'Neo.ClientNotification.Statement.CartesianProductWarning',
  position: { column: 9n, offset: 8n, line: 1n },
  title: 'This query builds a cartesian product between...',
  ...over,
});

describe('notifications before 5.6', () => {
  it('keep the raw severity and category beside their known values', () => {
    const [n] = summary({
      fields: ['n'],
      notifications: [note({ category: 'ANYCAT', severity: 'ANYSEV' })],
    }).notifications;
    expect(n).toMatchObject({
      severity: 'ANYSEV',
      severityLevel: 'UNKNOWN',
      rawSeverityLevel: 'ANYSEV',
      category: 'UNKNOWN',
      rawCategory: 'ANYCAT',
      position: { column: 9, offset: 8, line: 1 },
    });
    const [m] = summary({
      fields: ['n'],
      notifications: [note({ category: undefined })],
    }).notifications;
    expect(m.rawCategory).toBeUndefined();
    expect(m.category).toBe('UNKNOWN');
    expect(m.severityLevel).toBe('WARNING');
  });
});

describe('GQL statuses synthesised before 5.6', () => {
  it('rank no data, then warnings, then success, then informations', () => {
    const notifications = [
      note({ severity: 'INFORMATION', title: 'i1' }),
      note({ title: 'w1' }),
      note({ severity: 'BANANA', title: 'i2' }),
      note({ title: 'w2' }),
    ];
    const withRecords = summary({ fields: ['n'], notifications }).gqlStatusObjects;
    expect(withRecords.map((s) => s.gqlStatus)).toEqual([
      '01N42',
      '01N42',
      '00000',
      '03N42',
      '03N42',
    ]);
    const noData = summary({ fields: ['n'], notifications }, V44, false).gqlStatusObjects;
    expect(noData.map((s) => s.gqlStatus)).toEqual(['02000', '01N42', '01N42', '03N42', '03N42']);
    const omitted = summary({ fields: [], notifications: [] }, V44, false).gqlStatusObjects;
    expect(omitted.map((s) => s.gqlStatus)).toEqual(['00001']);
  });

  it("carry the notification's description, raw values and position into the status", () => {
    const [status] = summary({ fields: ['n'], notifications: [note()] }).gqlStatusObjects;
    expect(status).toEqual({
      gqlStatus: '01N42',
      statusDescription: note().description,
      isNotification: true,
      severity: 'WARNING',
      rawSeverity: 'WARNING',
      classification: 'HINT',
      rawClassification: 'HINT',
      position: { column: 9, offset: 8, line: 1 },
      diagnosticRecord: {
        ...DEFAULT_DIAG,
        _severity: 'WARNING',
        _classification: 'HINT',
        // the position exactly as sent (integers stay integers)
        _position: { column: 9n, offset: 8n, line: 1n },
      },
    });
  });

  it('fall back to the generic descriptions and leave out what the notification lacks', () => {
    const statuses = summary({
      fields: ['n'],
      notifications: [
        note({ description: undefined }),
        note({
          description: undefined,
          severity: 'INFORMATION',
          category: undefined,
          position: undefined,
        }),
      ],
    }).gqlStatusObjects;
    expect(statuses[0].statusDescription).toBe('warn: unknown warning');
    const info = statuses[2];
    expect(info.statusDescription).toBe('info: unknown notification');
    expect(info.rawClassification).toBeUndefined();
    expect(info.classification).toBe('UNKNOWN');
    expect(info.position).toBeUndefined();
    expect(info.diagnosticRecord).toEqual({ ...DEFAULT_DIAG, _severity: 'INFORMATION' });
    const outcome = statuses[1];
    expect(outcome).toMatchObject({
      gqlStatus: '00000',
      isNotification: false,
      severity: 'UNKNOWN',
      rawSeverity: undefined,
      classification: 'UNKNOWN',
      diagnosticRecord: DEFAULT_DIAG,
    });
  });
});

describe('summaries without notifications or counters', () => {
  // Built on a shorter path (no ordering, no counters to read): the same as the general rule.
  it('have the one outcome status the general rule gives', () => {
    for (const hasRecords of [true, false, undefined])
      for (const fields of [['x'], [], undefined]) {
        const md = fields === undefined ? {} : { fields };
        const general = statusesFromNotifications([], {
          hadRecords: hasRecords,
          omitted: Array.isArray(fields) && fields.length === 0,
        }).map((s) => toGqlStatus(s, isNotificationStatus(s.gql_status)));
        // (not `summary()`: its default would turn an unknown `hasRecords` into true)
        const of = (metadata: Record<string, unknown>) =>
          new ResultSummary(
            { text: 'RETURN 1', parameters: {} },
            metadata,
            server,
            V44,
            hasRecords,
          );
        expect(of(md).gqlStatusObjects).toEqual(general);
        expect(Object.keys(of(md).gqlStatusObjects[0])).toEqual(Object.keys(general[0]));
        expect(Object.keys(of(md).gqlStatusObjects[0].diagnosticRecord)).toEqual(
          Object.keys(general[0].diagnosticRecord),
        );
        expect(of({ ...md, notifications: [] }).gqlStatusObjects).toEqual(general);
        expect(of(md).notifications).toEqual([]);
      }
  });

  it('count zero, as with an empty stats map', () => {
    const none = summary({});
    const empty = summary({ stats: {} });
    expect(none.counters).toEqual(empty.counters);
    expect(Object.keys(none.counters)).toEqual(Object.keys(empty.counters));
    expect(none.counters.updates()).toEqual(empty.counters.updates());
    expect(none.counters.containsUpdates()).toBe(false);
    expect(none.counters.containsSystemUpdates()).toBe(false);
    expect(summary({ stats: null }).counters).toEqual(empty.counters);
  });
});

describe('GQL statuses from 5.6', () => {
  it('keep the order and the diagnostic record as sent, filling only the three defaults', () => {
    const statuses = [
      {
        gql_status: '01N01',
        status_description: 'warn: test',
        neo4j_code: 'Neo.ClientNotification.Foo.Bar',
        description: 'old description',
        title: 'title',
        diagnostic_record: {
          OPERATION: null,
          _severity: 'ANYSEV',
          _classification: 'FOOBAR',
          _position: { column: 9n, offset: 8n, line: 1n },
          '_🤡': '🎈',
        },
      },
      { gql_status: '00000', status_description: 'note: successful completion' },
    ];
    const s = summary({ fields: ['n'], statuses }, V56);
    expect(s.gqlStatusObjects.map((g) => g.gqlStatus)).toEqual(['01N01', '00000']);
    expect(s.gqlStatusObjects[0]).toMatchObject({
      severity: 'UNKNOWN',
      rawSeverity: 'ANYSEV',
      classification: 'UNKNOWN',
      rawClassification: 'FOOBAR',
      isNotification: true,
      position: { column: 9, offset: 8, line: 1 },
      diagnosticRecord: {
        OPERATION: null,
        OPERATION_CODE: '0',
        CURRENT_SCHEMA: '/',
        _severity: 'ANYSEV',
        _classification: 'FOOBAR',
        _position: { column: 9n, offset: 8n, line: 1n },
        '_🤡': '🎈',
      },
    });
    expect(s.gqlStatusObjects[1]).toMatchObject({ isNotification: false, rawSeverity: undefined });
    expect(s.notifications).toEqual([
      {
        code: 'Neo.ClientNotification.Foo.Bar',
        title: 'title',
        description: 'old description',
        severity: 'ANYSEV',
        severityLevel: 'UNKNOWN',
        rawSeverityLevel: 'ANYSEV',
        category: 'UNKNOWN',
        rawCategory: 'FOOBAR',
        classification: 'UNKNOWN',
        rawClassification: 'FOOBAR',
        position: { column: 9, offset: 8, line: 1 },
      },
    ]);
  });
});

describe('the outcome status when records were discarded unseen', () => {
  let fx: Fixture | undefined;
  let d: Driver | undefined;
  afterEach(async () => {
    await d?.close();
    await fx?.close();
  });

  it('is 02N42 (no data - unknown subcondition) from the summary alone', () => {
    const unknown = new ResultSummary(
      { text: 'q', parameters: {} },
      { fields: ['n'] },
      server,
      V44,
      undefined,
    );
    const [outcome] = unknown.gqlStatusObjects;
    expect(outcome).toMatchObject({
      gqlStatus: '02N42',
      statusDescription: 'note: no data - unknown subcondition',
      isNotification: false,
    });
  });

  it('is not what consume() right after run() reports: RUN goes with the first PULL, whose records are seen', async () => {
    fx = await memoryServer(testHandler(newSeen()), { versions: [V44] });
    d = driver(fx.url, { auth: auth.basic('neo4j', 'pw'), netModule: fx.netModule });
    const s = await d.session().run('RETURN 1 AS n').consume();
    expect(s.gqlStatusObjects.map((g) => g.gqlStatus)).toEqual(['00000']);
    const all = (await d.session().run('RETURN 1 AS n')).summary;
    expect(all.gqlStatusObjects.map((g) => g.gqlStatus)).toEqual(['00000']);
  });
});

describe('profiles', () => {
  it('report page cache figures and time only when the server sent them', () => {
    const s = summary({
      fields: ['n'],
      profile: {
        operatorType: 'ProduceResults@neo4j',
        identifiers: ['n'],
        args: {},
        dbHits: 1n,
        rows: 1n,
        children: [
          {
            operatorType: 'Create@neo4j',
            identifiers: ['n'],
            args: {},
            dbHits: 1n,
            rows: 1n,
            pageCacheHits: 0n,
            pageCacheMisses: 0n,
            pageCacheHitRatio: 0.1,
            time: 0n,
            children: [],
          },
        ],
      },
    });
    const root = s.profile;
    if (root === false) throw new Error('the summary has no profile');
    expect(Object.keys(root).sort()).toEqual(
      ['arguments', 'children', 'dbHits', 'identifiers', 'operatorType', 'rows'].sort(),
    );
    expect(root.children[0]).toMatchObject({
      pageCacheHits: 0,
      pageCacheMisses: 0,
      pageCacheHitRatio: 0.1,
      time: 0,
    });
  });
});

describe('summary metadata of the wrong shape', () => {
  // a map whose own keys shadow the conversions String() and Number() call
  const hostile = { toString: 1, valueOf: { x: 1 } };

  it('skips notifications, statuses and plan children that are not maps', () => {
    const before = summary({
      notifications: [null, note(), 7n, [note()], 'x'],
      plan: { operatorType: 'P', children: [null, { operatorType: 'C' }, 5] },
    });
    expect(before.notifications.map((n) => n.code)).toEqual([note().code]);
    expect(before.gqlStatusObjects.map((g) => g.gqlStatus)).toEqual(['01N42', '00000']);
    expect(before.plan === false ? [] : before.plan.children.map((c) => c.operatorType)).toEqual([
      'C',
    ]);
    const after = summary(
      {
        statuses: [
          null,
          { gql_status: '03N90', neo4j_code: 'Neo.ClientNotification.X', status_description: 'd' },
          [1],
        ],
      },
      V56,
    );
    expect(after.gqlStatusObjects.map((g) => g.gqlStatus)).toEqual(['03N90']);
    expect(after.notifications.map((n) => n.code)).toEqual(['Neo.ClientNotification.X']);
  });

  it('reads text and numbers that are a map, list or structure as missing or NaN, without throwing', () => {
    const s = summary({
      t_first: hostile,
      t_last: [1],
      stats: { 'nodes-created': hostile, 'properties-set': 2n },
      notifications: [note({ code: hostile, title: [1], severity: hostile, position: hostile })],
      profile: { operatorType: hostile, args: 5, dbHits: hostile, rows: '3', children: 'x' },
    });
    expect(s.resultAvailableAfter).toBeNaN();
    expect(s.resultConsumedAfter).toBeNaN();
    expect(s.counters.nodesCreated).toBeNaN();
    expect(s.counters.propertiesSet).toBe(2);
    expect(s.notifications[0]).toMatchObject({ code: '', title: '', severity: 'UNKNOWN' });
    expect(s.notifications[0].position).toEqual({ offset: 0, line: 0, column: 0 });
    expect(s.profile).toMatchObject({ operatorType: '', arguments: {}, rows: 3, children: [] });
    expect(s.profile === false ? 0 : s.profile.dbHits).toBeNaN();
    expect(() => String(s)).not.toThrow();
  });

  it('takes a stats value that is not a map as no stats', () => {
    for (const stats of ['x', 5n, [1], null])
      expect(summary({ stats }).counters.updates().nodesCreated).toBe(0);
  });
});
