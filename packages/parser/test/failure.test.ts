import { describe, expect, it } from 'vitest';
import {
  classifyCode,
  DEFAULT_DIAGNOSTIC_RECORD,
  type Failure,
  failureFromMetadata,
  failureMetadata,
  features,
  isRetryable,
  MessageCodec,
  SUPPORTED_VERSIONS,
} from '../src/internal.js';

const PRE_GQL = { gqlErrors: false };
const GQL = { gqlErrors: true };

describe('FAILURE metadata → Failure', () => {
  it('reads a cause whose message is not text as one without a message, and a structure where a map belongs as nothing', () => {
    const hostile = { toString: 1, valueOf: { x: 1 } };
    const f = failureFromMetadata({
      code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'bad',
      cause: { message: hostile, gql_status: '22007' },
    } as never);
    expect(f.cause).toMatchObject({ message: '', gqlStatus: '22007' });
    class Structure {
      _classification = 'DATABASE_ERROR';
    }
    const g = failureFromMetadata({
      code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'bad',
      diagnostic_record: new Structure(),
    } as never);
    expect(g.classification).toBe('CLIENT_ERROR');
    expect(g.diagnosticRecord).toEqual({ OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' });
  });

  it('reads the pre-5.7 shape with GQL defaults', () => {
    const f = failureFromMetadata({
      code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'bad',
    });
    expect(f).toEqual({
      code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'bad',
      gqlStatus: '50N42',
      description: 'error: general processing exception - unexpected error. bad',
      classification: 'CLIENT_ERROR',
      diagnosticRecord: { OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' },
    });
  });

  it('reads the 5.7 shape: neo4j_code, GQL keys, the record over the defaults, nested causes', () => {
    const f = failureFromMetadata({
      neo4j_code: 'Neo.ClientError.Statement.ArgumentError',
      message: 'outer',
      gql_status: '22N00',
      description: 'error: data exception',
      diagnostic_record: { _classification: 'CLIENT_ERROR', OPERATION: 'x', _extra: 1 },
      cause: {
        message: 'inner',
        gql_status: '22007',
        description: 'error: invalid date',
        diagnostic_record: { _classification: 'DATABASE_ERROR' },
        cause: { message: 'innermost' },
      },
    });
    expect(f.code).toBe('Neo.ClientError.Statement.ArgumentError');
    expect(f.diagnosticRecord).toEqual({
      OPERATION: 'x',
      OPERATION_CODE: '0',
      CURRENT_SCHEMA: '/',
      _classification: 'CLIENT_ERROR',
      _extra: 1,
    });
    expect(f.cause).toMatchObject({
      code: 'N/A',
      message: 'inner',
      gqlStatus: '22007',
      classification: 'DATABASE_ERROR',
    });
    expect(f.cause?.cause).toMatchObject({
      message: 'innermost',
      gqlStatus: '50N42',
      classification: 'UNKNOWN',
      diagnosticRecord: DEFAULT_DIAGNOSTIC_RECORD,
    });
  });

  it('classifies from the diagnostic record first, then the code', () => {
    const fromRecord = failureFromMetadata({
      neo4j_code: 'Neo.ClientError.X.Y',
      diagnostic_record: { _classification: 'TRANSIENT_ERROR' },
    });
    expect(fromRecord.classification).toBe('TRANSIENT_ERROR');
    const rubbish = failureFromMetadata({
      neo4j_code: 'Neo.ClientError.X.Y',
      diagnostic_record: { _classification: 'COOL_ERROR' },
    });
    expect(rubbish.classification).toBe('UNKNOWN');
    expect(rubbish.diagnosticRecord?._classification).toBe('COOL_ERROR');
  });

  it('reads the 4.x transient codes 5.x reclassified as client errors', () => {
    for (const title of ['Terminated', 'LockClientStopped']) {
      const f = failureFromMetadata({ code: `Neo.TransientError.Transaction.${title}` });
      expect(f.code).toBe(`Neo.ClientError.Transaction.${title}`);
      expect(f.classification).toBe('CLIENT_ERROR');
      expect(isRetryable(f)).toBe(false);
    }
  });

  it('fills what a FAILURE leaves out', () => {
    expect(failureFromMetadata({})).toMatchObject({
      code: 'Neo.DatabaseError.General.UnknownError',
      message: 'the server reported a failure without a message',
      classification: 'DATABASE_ERROR',
    });
  });
});

describe('Failure → FAILURE metadata', () => {
  const failure: Failure = {
    code: 'Neo.ClientError.Statement.SyntaxError',
    message: 'bad',
    gqlStatus: '42001',
    description: 'error: syntax error',
    classification: 'CLIENT_ERROR',
    diagnosticRecord: { _position: { offset: 1, line: 1, column: 2 } },
    cause: {
      code: 'N/A',
      message: 'why',
      gqlStatus: '42I06',
      description: 'error: invalid input',
      classification: 'CLIENT_ERROR',
    },
  };

  it('writes {code, message} before 5.7', () => {
    expect(failureMetadata(failure, PRE_GQL)).toEqual({
      code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'bad',
    });
  });

  it('writes the GQL shape from 5.7: defaults and _classification under the record, a cause without neo4j_code', () => {
    expect(failureMetadata(failure, GQL)).toEqual({
      neo4j_code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'bad',
      gql_status: '42001',
      description: 'error: syntax error',
      diagnostic_record: {
        OPERATION: '',
        OPERATION_CODE: '0',
        CURRENT_SCHEMA: '/',
        _classification: 'CLIENT_ERROR',
        _position: { offset: 1, line: 1, column: 2 },
      },
      cause: {
        message: 'why',
        gql_status: '42I06',
        description: 'error: invalid input',
        diagnostic_record: {
          OPERATION: '',
          OPERATION_CODE: '0',
          CURRENT_SCHEMA: '/',
          _classification: 'CLIENT_ERROR',
        },
      },
    });
  });

  it('writes at most 8 nested causes', () => {
    let chain: Failure = { ...failure, cause: undefined };
    for (let i = 0; i < 20; i++) chain = { ...failure, message: `m${i}`, cause: chain };
    let depth = 0;
    for (let c = failureMetadata(chain, GQL).cause; c; c = c.cause) depth++;
    expect(depth).toBe(8);
  });

  it('reads back what it writes, in every version, through the codec', () => {
    for (const version of SUPPORTED_VERSIONS) {
      const shape = features(version);
      const codec = new MessageCodec({ version });
      const body = codec.encodeResponseBody({
        type: 'FAILURE',
        metadata: failureMetadata(failure, shape),
      });
      const back = codec.decodeResponse(body);
      if (back.type !== 'FAILURE') throw new Error('not a FAILURE');
      const read = failureFromMetadata(back.metadata);
      expect(read.code).toBe(failure.code);
      expect(read.message).toBe(failure.message);
      expect(read.classification).toBe('CLIENT_ERROR');
      if (shape.gqlErrors) {
        expect(read.gqlStatus).toBe('42001');
        expect(read.description).toBe('error: syntax error');
        expect(read.diagnosticRecord?._position).toEqual({ offset: 1, line: 1, column: 2 });
        expect(read.cause).toMatchObject({ code: 'N/A', message: 'why', gqlStatus: '42I06' });
      } else {
        expect(read.gqlStatus).toBe('50N42');
        expect(read.cause).toBeUndefined();
      }
    }
  });
});

describe('classification and retryable', () => {
  it('classifies by the second segment of the code', () => {
    expect(classifyCode('Neo.ClientError.Security.Unauthorized')).toBe('CLIENT_ERROR');
    expect(classifyCode('Neo.TransientError.General.DatabaseUnavailable')).toBe('TRANSIENT_ERROR');
    expect(classifyCode('Neo.DatabaseError.General.UnknownError')).toBe('DATABASE_ERROR');
    expect(classifyCode('ServiceUnavailable')).toBe('UNKNOWN');
    expect(classifyCode('Neo.Cool.X.Y')).toBe('UNKNOWN');
  });

  it('retries transient errors and the client errors a new token, member or leader cures', () => {
    const r = (code: string) => isRetryable({ code, classification: classifyCode(code) });
    expect(r('Neo.TransientError.General.DatabaseUnavailable')).toBe(true);
    expect(r('Neo.ClientError.Security.AuthorizationExpired')).toBe(true);
    expect(r('Neo.ClientError.Cluster.NotALeader')).toBe(true);
    expect(r('Neo.ClientError.General.ForbiddenOnReadOnlyDatabase')).toBe(true);
    expect(r('Neo.ClientError.Statement.SyntaxError')).toBe(false);
    expect(r('Neo.DatabaseError.General.UnknownError')).toBe(false);
    expect(isRetryable({ code: 'Neo.ClientError.X.Y', classification: 'TRANSIENT_ERROR' })).toBe(
      true,
    );
  });
});
