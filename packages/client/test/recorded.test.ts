/**
 * Recorded conversations: each script of `@bolt/test-support` (tools/test-support/recorded/) is a
 * Neo4j exchange written in the conformance suite's stub-script format, modelled on a named
 * testkit script (see the first line of each). One scenario table (`RECORDED_SCENARIOS`) says what
 * a user does with a script, or with a cluster of `routing/` scripts, and what they must see; it
 * runs here against our client and against each installed major of the official `neo4j-driver`,
 * through thin adapters (support/our-client.ts, support/official-drivers.ts). The server's script
 * players serve the scripts over TCP (support/script-stage.ts) and fail on the first message a
 * driver sends that a script does not allow: a pass with an official driver proves the script is
 * what real drivers do, and a pass with ours that our client does the same and understands every
 * answer.
 */
import { tcp } from '@bolt/net-adapters/node';
import { ScriptFailure } from '@bolt/server/script';
import {
  type DriverUnderTest,
  failure,
  RECORDED_SCENARIOS,
  type RecordedCluster,
  type RecordedScenario,
  type ScenarioDriver,
  type ScenarioDriverConfig,
} from '@bolt/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, type BoltError, driver } from '../src/index.js';
import { officialDrivers } from './support/official-drivers.js';
import { ourClient } from './support/our-client.js';
import { ScriptStage } from './support/script-stage.js';

const rejection = (p: PromiseLike<unknown>): Promise<unknown> =>
  Promise.resolve(p).then(
    () => undefined,
    (e: unknown) => e,
  );

const DRIVERS: readonly DriverUnderTest[] = [ourClient, ...officialDrivers];

let stages: ScriptStage[] = [];
afterEach(async () => {
  await Promise.all(stages.map((s) => s.close()));
  stages = [];
});

/** Start the players of `script`, open a driver on them with `open`, run `scenario`, close the
 *  driver, then judge: every player must have played its script to the end. */
async function play<D extends { close(): Promise<unknown> }>(
  script: string | RecordedCluster,
  open: (url: string) => D,
  scenario: (d: D, stage: ScriptStage) => Promise<void>,
): Promise<ScriptStage> {
  const stage = await ScriptStage.start(script);
  stages.push(stage);
  const d = open(stage.url);
  try {
    try {
      await scenario(d, stage);
    } finally {
      await d.close();
    }
    await stage.finish();
  } catch (e) {
    // show what the players saw: the script lines matched and sent, and any failure
    const error = e instanceof Error ? e : new Error(`failed with ${JSON.stringify(e)}`);
    error.message += `\n--- conversation ---\n${stage.log()}`;
    throw error;
  }
  return stage;
}

const playWith =
  (dut: DriverUnderTest, script: string | RecordedCluster, config: ScenarioDriverConfig = {}) =>
  (scenario: (d: ScenarioDriver, stage: ScriptStage) => Promise<void>) =>
    play(
      script,
      (url) => dut.open(url, typeof script === 'string' ? config : { ...CLUSTER, ...config }),
      scenario,
    );

/** What a cluster's scripts expect of the driver (see RecordedCluster). */
const CLUSTER: ScenarioDriverConfig = {
  auth: { scheme: 'basic', user: 'p', password: 'c' },
  userAgent: '007',
};

/** Why `row` cannot run with `dut`, or undefined when it can. */
function notApplicable(row: RecordedScenario, dut: DriverUnderTest): string | undefined {
  for (const version of ScriptStage.boltVersions(row.script)) {
    if (!dut.boltVersions.includes(version)) return `it does not speak Bolt ${version}`;
  }
  return row.notFor?.[dut.name];
}

for (const dut of DRIVERS) {
  describe(`${dut.name} against recorded conversations`, () => {
    for (const row of RECORDED_SCENARIOS) {
      const reason = notApplicable(row, dut);
      if (reason) {
        it.skip(`${row.name} (not applicable: ${reason})`, () => {});
        continue;
      }
      it(row.name, async () => {
        let observed: unknown;
        const { player } = await playWith(
          dut,
          row.script,
          row.config,
        )(async (d, stage) => {
          observed = await row.run(d, stage);
        });
        expect(observed).toEqual(row.expected);
        if (row.player?.connections !== undefined) {
          expect(player?.connections).toBe(row.player.connections);
        }
        if (row.player?.completed !== undefined) {
          expect(player?.completed).toBe(row.player.completed);
        }
      });
    }

    it('a script deviation is reported, not hidden', async () => {
      // the script wants "RETURN 1 AS n": asking something else must fail the conversation
      const deviation = await rejection(
        playWith(
          dut,
          'auth-basic-v4x4.script',
        )(async (d) => {
          await failure(d.session().run('RETURN 2 AS n'));
        }),
      );
      expect(ScriptFailure.isInstance(deviation)).toBe(true);
      expect((deviation as ScriptFailure).code).toBe('MISMATCH');
      expect((deviation as ScriptFailure).received).toContain('RETURN 2 AS n');
    });
  });
}

/** Our client's own API, beyond what the scenario table can say for every driver. */
describe('our client against recorded conversations, its own API', () => {
  const open = (url: string) =>
    driver(url, {
      auth: auth.basic('neo4j', 'pass'),
      netModule: tcp(),
      maxTransactionRetryTimeMs: 3000,
      retry: { initialDelayMs: 50 },
      connectionTimeoutMs: 5000,
    });

  it('tx-commit: commit() resolves to the bookmark', async () => {
    await play('tx-commit.script', open, async (d) => {
      const session = d.session();
      const tx = await session.beginTransaction();
      await tx.run('RETURN 1 AS n');
      expect(await tx.commit()).toBe('neo4j:bookmark:v1:tx424242');
      await session.close();
    });
  });

  it('tx-failure-ends-tx: the failure is the same object each time; the next commit() resolves to its bookmark', async () => {
    await play('tx-failure-ends-tx.script', open, async (d) => {
      const session = d.session({ fetchSize: 2 });
      const tx = await session.beginTransaction();
      const first = tx.run('RETURN 1 AS n')[Symbol.asyncIterator]();
      await first.next();
      const e = await rejection(tx.run('invalid'));
      await first.next();
      expect(await rejection(first.next())).toBe(e);
      expect(await rejection(tx.run('RETURN 3 AS n'))).toBe(e);
      await tx.rollback();
      const tx2 = await session.beginTransaction();
      await tx2.run('RETURN 2 AS n');
      expect(await tx2.commit()).toBe('bm:2');
      await session.close();
    });
  });

  it('iteration-nested: commit() resolves to the bookmark', async () => {
    await play('iteration-nested.script', open, async (d) => {
      const session = d.session({ fetchSize: 1 });
      const tx = await session.beginTransaction();
      for await (const _ of tx.run('OUTER')) for await (const _q of tx.run('INNER'));
      expect(await tx.commit()).toBe('bm');
      await session.close();
    });
  });

  it('tx-begin-failure-exit: once BEGIN is known to have failed, run() throws that failure at once', async () => {
    await play('tx-begin-failure-exit.script', open, async (d) => {
      const tx = await d.session().beginTransaction();
      for (let i = 0; i < 200 && tx.isOpen(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(tx.isOpen()).toBe(false);
      let thrown: unknown;
      try {
        tx.run('RETURN 1 AS n');
      } catch (e) {
        thrown = e;
      }
      expect((thrown as BoltError)?.code).toBe('Neo.ClientError.Security.TokenExpired');
    });
  });
});
