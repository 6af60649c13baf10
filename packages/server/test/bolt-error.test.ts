import { describe, expect, it } from 'vitest';
import { BoltError } from '../src/index.js';

describe('BoltError', () => {
  it('defaults to UnknownError / 50N42 and has the pre-5.7 FAILURE shape', () => {
    const e = new BoltError('disk on fire');
    expect(e.code).toBe('Neo.DatabaseError.General.UnknownError');
    expect(e.classification).toBe('DATABASE_ERROR');
    expect(e.toFailureMetadata({ gqlErrors: false })).toEqual({
      code: 'Neo.DatabaseError.General.UnknownError',
      message: 'disk on fire',
    });
    expect(e.toFailureMetadata({ gqlErrors: true })).toEqual({
      neo4j_code: 'Neo.DatabaseError.General.UnknownError',
      message: 'disk on fire',
      gql_status: '50N42',
      description: 'error: general processing exception - unexpected error. disk on fire',
      diagnostic_record: {
        OPERATION: '',
        OPERATION_CODE: '0',
        CURRENT_SCHEMA: '/',
        _classification: 'DATABASE_ERROR',
      },
    });
  });

  it('sends a coded cause as the nested 5.7+ cause, without neo4j_code', () => {
    const inner = new BoltError('bad date', {
      code: 'Neo.ClientError.Statement.ArgumentError',
      gqlStatus: '22007',
      description: 'error: data exception - invalid date',
    });
    const outer = new BoltError('query failed', {
      code: 'Neo.ClientError.Statement.ArgumentError',
      gqlStatus: '22N00',
      cause: inner,
      diagnosticRecord: { _position: { offset: 3, line: 1, column: 4 } },
    });
    const meta = outer.toFailureMetadata({ gqlErrors: true });
    expect(meta.diagnostic_record).toMatchObject({ _position: { offset: 3, line: 1, column: 4 } });
    expect(meta.cause).toEqual({
      message: 'bad date',
      gql_status: '22007',
      description: 'error: data exception - invalid date',
      diagnostic_record: {
        OPERATION: '',
        OPERATION_CODE: '0',
        CURRENT_SCHEMA: '/',
        _classification: 'CLIENT_ERROR',
      },
    });
  });

  it('from() keeps Neo4j-coded errors, wraps anything else', () => {
    const coded = Object.assign(new Error('no leader'), {
      code: 'Neo.ClientError.Cluster.NotALeader',
      gqlStatus: '08N07',
    });
    expect(BoltError.from(coded)).toMatchObject({
      code: 'Neo.ClientError.Cluster.NotALeader',
      gqlStatus: '08N07',
      message: 'no leader',
    });
    expect(BoltError.from(new TypeError('x is undefined')).code).toBe(
      'Neo.DatabaseError.General.UnknownError',
    );
    expect(BoltError.from('a string').message).toBe('a string');
    const e = new BoltError('same');
    expect(BoltError.from(e)).toBe(e);
    expect(BoltError.isInstance(e)).toBe(true);
    expect(BoltError.isInstance(new Error('other'))).toBe(false);
  });

  it('names the description gqlStatusDescription, as the client and Neo4jError do (description stays as an alias)', () => {
    const named = new BoltError('x', { gqlStatus: '42001', gqlStatusDescription: 'error: syntax' });
    expect(named.gqlStatusDescription).toBe('error: syntax');
    expect(named.description).toBe('error: syntax');
    const old = new BoltError('x', { gqlStatus: '42001', description: 'error: old name' });
    expect(old.gqlStatusDescription).toBe('error: old name');
    expect(new BoltError('y', { gqlStatus: '42001' }).gqlStatusDescription).toBe('error: y');
  });

  it('says whether a client may retry it, as the client reads it', () => {
    expect(
      new BoltError('x', { code: 'Neo.TransientError.General.DatabaseUnavailable' }).retryable,
    ).toBe(true);
    expect(new BoltError('x', { code: 'Neo.ClientError.Cluster.NotALeader' }).retryable).toBe(true);
    expect(new BoltError('x', { code: 'Neo.ClientError.Statement.SyntaxError' }).retryable).toBe(
      false,
    );
    expect(new BoltError('x').retryable).toBe(false);
  });
});
