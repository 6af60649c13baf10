/**
 * The script player's verdicts, driven by the official `neo4j-driver` over TCP: a message the
 * script does not allow, a version the driver does not offer. (The recorded conversations of
 * `@bolt/test-support` are replayed to every official driver and to our client by one scenario
 * table, in packages/client/test/recorded.test.ts.)
 */
import { tcp } from '@bolt/net-adapters/node';
import { parseScript, type Script, ScriptFailure, ScriptPlayer } from '@bolt/server/script';
import neo4j from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';

let players: ScriptPlayer[] = [];
afterEach(async () => {
  await Promise.all(players.map((p) => p.close()));
  players = [];
});

/** Serve a script on a free port, run `scenario` with neo4j-driver 6, then judge. */
async function play(
  script: Script,
  scenario: (driver: ReturnType<typeof neo4j.driver>) => Promise<void>,
): Promise<ScriptPlayer> {
  const lines: string[] = [];
  const player = new ScriptPlayer(script, { idleTimeoutMs: 5000, log: (l) => lines.push(l) });
  players.push(player);
  const listener = await player.listen(tcp(), { port: 0 });
  const driver = neo4j.driver(
    `bolt://127.0.0.1:${listener.address.port}`,
    neo4j.auth.basic('neo4j', 'pass'),
    { connectionTimeout: 5000 },
  );
  try {
    try {
      await scenario(driver);
    } finally {
      await driver.close();
    }
    await player.finish();
  } catch (e) {
    // show what the player saw: the script lines matched and sent, and any failure
    if (e instanceof Error) e.message += `\n--- conversation ---\n${lines.join('\n')}`;
    throw e;
  }
  return player;
}

describe('script player verdicts with the official driver', () => {
  const returnTwo = `
!: BOLT 4.4
A: HELLO {"{}": "*"}
*: RESET
C: RUN "RETURN 2 AS n" {} {}
S: SUCCESS {"fields": ["n"]}
C: PULL {"n": 1000}
S: RECORD [2]
   SUCCESS {}
*: RESET
?: GOODBYE
`;

  it('a message the script does not allow fails with the expected and received lines', async () => {
    const failure = await play(parseScript(returnTwo, { source: 'return-two' }), async (driver) => {
      const error = await driver
        .session()
        .run('RETURN 1 AS n')
        .then(
          () => undefined,
          (e: any) => e,
        );
      // the player closes the connection: the driver sees it go away
      expect(error?.code).toBe('ServiceUnavailable');
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ScriptFailure.isInstance(failure)).toBe(true);
    const f = failure as ScriptFailure;
    expect(f.code).toBe('MISMATCH');
    expect(f.received).toBe('RUN "RETURN 1 AS n" {"{}": {}} {"{}": {}}');
    expect(f.expected).toContain('(line 5) C: RUN "RETURN 2 AS n" {} {}');
    expect(f.expected).toContain('(line 4) A: RESET');
  });

  it("a driver without the script's version fails the handshake", async () => {
    const v40 = parseScript('!: BOLT 4.0\nA: HELLO {"{}": "*"}\n?: GOODBYE\n');
    const failure = await play(v40, async (driver) => {
      const error = await driver.verifyConnectivity().then(
        () => undefined,
        (e: any) => e,
      );
      expect(error).toBeInstanceOf(Error);
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ScriptFailure.isInstance(failure) && failure.code).toBe('HANDSHAKE');
    expect((failure as Error).message).toContain('Bolt 4.0');
  });
});
