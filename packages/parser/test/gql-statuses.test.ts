import { describe, expect, it } from 'vitest';
import { notificationStatus, outcomeStatus, statusesFromNotifications } from '../src/internal.js';

const DEFAULTS = { OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' };

describe('statuses from notifications', () => {
  it('has one outcome status: 00000 with records, 00001 without columns, else 02000', () => {
    expect(outcomeStatus({ hadRecords: true, omitted: false })).toEqual({
      gql_status: '00000',
      status_description: 'note: successful completion',
      diagnostic_record: DEFAULTS,
    });
    expect(outcomeStatus({ hadRecords: false, omitted: true }).gql_status).toBe('00001');
    expect(outcomeStatus({ hadRecords: false, omitted: false }).gql_status).toBe('02000');
    // a fresh record each time: changing one status changes no other
    expect(outcomeStatus({ hadRecords: true, omitted: false }).diagnostic_record).not.toBe(
      outcomeStatus({ hadRecords: true, omitted: false }).diagnostic_record,
    );
  });

  it("turns a notification into 01N42 (warning) or 03N42 with the notification's keys", () => {
    const warning = {
      code: 'Neo.ClientNotification.Statement.CartesianProduct',
      title: 'Cartesian product',
      description: 'This query builds a cartesian product.',
      severity: 'WARNING',
      category: 'PERFORMANCE',
      position: { offset: 1, line: 1, column: 2 },
    };
    expect(notificationStatus(warning)).toEqual({
      gql_status: '01N42',
      status_description: 'This query builds a cartesian product.',
      neo4j_code: warning.code,
      title: warning.title,
      description: warning.description,
      diagnostic_record: {
        ...DEFAULTS,
        _severity: 'WARNING',
        _classification: 'PERFORMANCE',
        _position: warning.position,
      },
    });
    expect(notificationStatus({ severity: 'INFORMATION' })).toEqual({
      gql_status: '03N42',
      status_description: 'info: unknown notification',
      diagnostic_record: { ...DEFAULTS, _severity: 'INFORMATION' },
    });
    expect(notificationStatus({ severity: 'WARNING' }).status_description).toBe(
      'warn: unknown warning',
    );
    expect(notificationStatus({ severity: 'SEVERE' }).gql_status).toBe('03N42');
  });

  it('orders as GQL ranks them: no data, warnings, success, informations (stable)', () => {
    const n = (severity: string, code: string) => ({ severity, code });
    const list = [
      n('INFORMATION', 'i1'),
      n('WARNING', 'w1'),
      n('INFORMATION', 'i2'),
      n('WARNING', 'w2'),
    ];
    const withRecords = statusesFromNotifications(list, { hadRecords: true, omitted: false });
    expect(withRecords.map((s) => s.neo4j_code ?? s.gql_status)).toEqual([
      'w1',
      'w2',
      '00000',
      'i1',
      'i2',
    ]);
    const noData = statusesFromNotifications(list, { hadRecords: false, omitted: false });
    expect(noData.map((s) => s.neo4j_code ?? s.gql_status)).toEqual([
      '02000',
      'w1',
      'w2',
      'i1',
      'i2',
    ]);
  });

  it('skips entries that are not maps', () => {
    const out = statusesFromNotifications([null, 1, 'x', [], { severity: 'WARNING' }], {
      hadRecords: false,
      omitted: true,
    });
    expect(out.map((s) => s.gql_status)).toEqual(['01N42', '00001']);
  });
});
