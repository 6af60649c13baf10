// Review: the official driver's retries and failures end every server-side transaction exactly
// once, and the connection it pools stays usable.
import neo4j from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { BoltError } from '../src/index.js';
import { startTcpServer, type TcpFixture } from './support/tcp-fixture.js';

let fixture: TcpFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('neo4j-driver 6 executeWrite retrying a transient failure thrown mid-stream', () => {
  it('rolls back the failed attempt once, commits the retry, and reuses the connection', async () => {
    const journal: string[] = [];
    let attempts = 0;
    fixture = await startTcpServer({
      handler: {
        run(query) {
          journal.push(`run:${query}`);
          if (query !== 'WRITE') return { fields: ['x'], records: [[1]] };
          const attempt = ++attempts;
          return {
            fields: ['n'],
            records: (async function* () {
              yield [attempt];
              if (attempt === 1)
                throw new BoltError('deadlock', {
                  code: 'Neo.TransientError.Transaction.DeadlockDetected',
                });
            })(),
          };
        },
        begin: () => void journal.push('begin'),
        commit: () => {
          journal.push('commit');
          return 'bm:1';
        },
        rollback: () => void journal.push('rollback'),
      },
    });
    const driver = neo4j.driver(fixture.url(), neo4j.auth.basic('u', 'p'), {
      maxConnectionPoolSize: 1,
      logging: { level: 'error', logger: () => undefined },
    });
    try {
      const session = driver.session();
      const n = await session.executeWrite(async (tx) => {
        const r = await tx.run('WRITE');
        return r.records.map((rec) => rec.get('n').toNumber());
      });
      await session.close();
      expect(n).toEqual([2]);
      expect(journal).toEqual(['begin', 'run:WRITE', 'rollback', 'begin', 'run:WRITE', 'commit']);
      const { records } = await driver.executeQuery('RETURN 1');
      expect(records[0].get('x').toNumber()).toBe(1);
    } finally {
      await driver.close();
    }
  });
});
