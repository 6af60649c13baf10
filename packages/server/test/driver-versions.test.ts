// Each Bolt version a real driver can speak, forced by restricting the server's version list:
// the driver negotiates exactly that version and a short conversation works end to end.

import neo4j6 from 'neo4j-driver';
import neo4j4 from 'neo4j-driver-4';
import neo4j5 from 'neo4j-driver-5';
import { describe, expect, it } from 'vitest';
import { demoHandler, newDemoState, PASSWORD } from './support/demo-handler.js';
import { startTcpServer } from './support/tcp-fixture.js';

type AnyDriverModule = any;

interface Case {
  driver: string;
  neo4j: AnyDriverModule;
  version: [number, number];
  manifest: boolean;
}

const cases: Case[] = [
  ...(
    [
      [6, 1],
      [6, 0],
      [5, 8],
    ] as [number, number][]
  ).map((version) => ({ driver: 'neo4j-driver 6.3.0', neo4j: neo4j6, version, manifest: true })),
  ...(
    [
      [5, 8],
      [5, 7],
    ] as [number, number][]
  ).map((version) => ({ driver: 'neo4j-driver 5.28.3', neo4j: neo4j5, version, manifest: true })),
  ...(
    [
      [5, 6],
      [5, 4],
      [5, 3],
      [5, 2],
      [5, 1],
      [5, 0],
      [4, 4],
      [4, 3],
      [4, 2],
      [3, 0],
    ] as [number, number][]
  ).map((version) => ({ driver: 'neo4j-driver 5.28.3', neo4j: neo4j5, version, manifest: false })),
  ...(
    [
      [4, 1],
      [4, 0],
    ] as [number, number][]
  ).map((version) => ({ driver: 'neo4j-driver 4.4.11', neo4j: neo4j4, version, manifest: false })),
];

describe.each(cases)(
  '$driver on Bolt $version (manifest: $manifest)',
  ({ neo4j, version, manifest }) => {
    it('negotiates it and runs queries, a transaction, an error and temporal values', async () => {
      const [major, minor] = version;
      const state = newDemoState();
      const seen: (string | undefined)[] = [];
      const base = demoHandler(state);
      const fx = await startTcpServer({
        versions: [{ major, minor }],
        manifest,
        handler: {
          ...base,
          authenticate(token, connection) {
            seen.push(connection.protocolVersion);
            return base.authenticate!(token, connection);
          },
        },
      });
      const driver = neo4j.driver(fx.url(), neo4j.auth.basic('neo4j', PASSWORD), {
        useBigInt: true,
        logging: { level: 'error', logger: () => {} },
      });
      try {
        const session = driver.session();
        try {
          const r = await session.run('RETURN $x AS x', { x: 'hi' });
          expect(r.records[0].get('x')).toBe('hi');
          const pv = r.summary.server.protocolVersion;
          // Driver 6 reports a ProtocolVersion object, older ones a number such as 5.8.
          expect(typeof pv === 'number' ? pv.toFixed(1) : `${pv.major}.${pv.minor}`).toBe(
            `${major}.${minor}`,
          );

          const tx = session.beginTransaction();
          const a = await tx.run('RETURN 1 AS n');
          const b = await tx.run('UNWIND range(1, $n) AS i RETURN i', { n: 5 });
          expect(a.records).toHaveLength(1);
          expect(b.records.map((x: any) => x.get('i'))).toEqual([1n, 2n, 3n, 4n, 5n]);
          await tx.commit();

          const error = await session.run('FAIL').then(
            () => undefined,
            (e: unknown) => e,
          );
          expect((error as { code: string }).code).toBe('Neo.ClientError.Statement.SyntaxError');

          const values = (await session.run('VALUES')).records[0];
          const zoned = values.get('dateTimeZone');
          expect([Number(zoned.hour), zoned.timeZoneId]).toEqual([12, 'Europe/Paris']);
          expect(Number(values.get('dateTimeOffset').timeZoneOffsetSeconds)).toBe(7200);
          expect(values.get('node').labels).toEqual(['Person']);
        } finally {
          await session.close();
        }
        expect(seen[0]).toBe(`${major}.${minor}`);
        expect(state.journal).toContain('commit');
      } finally {
        await driver.close();
        await fx.close();
      }
    });
  },
);
