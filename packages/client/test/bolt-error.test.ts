import { describe, expect, it } from 'vitest';
import { BoltError } from '../src/index.js';

describe('BoltError', () => {
  it('classifies codes and decides retryable like Neo4j drivers', () => {
    const f = (code: string) => BoltError.fromFailure({ code, message: 'm' });
    expect(f('Neo.ClientError.Statement.SyntaxError')).toMatchObject({
      classification: 'CLIENT_ERROR',
      retryable: false,
    });
    expect(f('Neo.TransientError.Transaction.DeadlockDetected')).toMatchObject({
      classification: 'TRANSIENT_ERROR',
      retryable: true,
    });
    expect(f('Neo.DatabaseError.General.UnknownError')).toMatchObject({
      classification: 'DATABASE_ERROR',
      retryable: false,
    });
    expect(f('Neo.ClientError.Security.AuthorizationExpired')).toMatchObject({ retryable: true });
    expect(f('Neo.TransientError.Transaction.LockClientStopped')).toMatchObject({
      code: 'Neo.ClientError.Transaction.LockClientStopped',
      classification: 'CLIENT_ERROR',
      retryable: false,
    });
    expect(f('Something.Else')).toMatchObject({ classification: 'UNKNOWN', retryable: false });
  });

  it('polyfills GQL fields for pre-5.7 failures', () => {
    const e = BoltError.fromFailure({
      code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'Invalid input',
    });
    expect(e.gqlStatus).toBe('50N42');
    expect(e.gqlStatusDescription).toBe(
      'error: general processing exception - unexpected error. Invalid input',
    );
    expect(e.diagnosticRecord).toEqual({ OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' });
    expect(e.kind).toBe('server');
    expect(e.metadata).toEqual({
      code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'Invalid input',
    });
  });

  it('prefers the diagnostic record classification and keeps unknown keys', () => {
    const e = BoltError.fromFailure({
      neo4j_code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'm',
      gql_status: '42001',
      description: 'd',
      diagnostic_record: { _classification: 'SOMETHING_NEW', '_🤡': 1, OPERATION: null },
    });
    expect(e.classification).toBe('UNKNOWN');
    expect(e.diagnosticRecord['_🤡']).toBe(1);
    expect(e.diagnosticRecord.OPERATION).toBeNull();
    expect(e.gqlStatus).toBe('42001');
  });

  it('is recognised across copies by its marker', () => {
    const e = BoltError.fromFailure({
      code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'm',
    });
    const clone = Object.assign(Object.create(Error.prototype), e);
    Object.defineProperty(clone, Symbol.for('@bolt/client/BoltError'), { value: true });
    expect(BoltError.isInstance(clone)).toBe(true);
    expect(BoltError.isInstance(new Error('x'))).toBe(false);
    expect(BoltError.isInstance(null)).toBe(false);
  });
});
