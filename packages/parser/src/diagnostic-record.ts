import type { DiagnosticRecord } from './response.js';

/** The keys every GQL diagnostic record has (failures and statuses, 5.6+); a record that lacks
 *  one reads as if it had these values. */
export const DEFAULT_DIAGNOSTIC_RECORD: Readonly<DiagnosticRecord> = Object.freeze({
  OPERATION: '',
  OPERATION_CODE: '0',
  CURRENT_SCHEMA: '/',
});

/** A fresh diagnostic record: the defaults, then `entries` over them. */
export function diagnosticRecord(entries?: Record<string, unknown>): DiagnosticRecord {
  // the defaults written out: spreading the frozen object costs more, on every summary (a
  // spread, not Object.assign, copies the entries: a `__proto__` key stays a plain key)
  const record: DiagnosticRecord = { OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' };
  return entries === undefined ? record : { ...record, ...entries };
}
