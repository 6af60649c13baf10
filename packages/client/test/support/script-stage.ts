/**
 * The script players of one recorded scenario over TCP: one for a script (the driver opens
 * `bolt://`), or one per member of a cluster (`neo4j://`). A cluster's scripts name their
 * members `#HOST#:9000`, `#HOST#:9010`, ...; each member really listens on a free port, and
 * the scripts are read with those addresses put in.
 */
import { createServer } from 'node:net';
import type { ListenerModule } from '@bolt/net-adapters';
import { tcp } from '@bolt/net-adapters/node';
import { parseScript, ScriptPlayer } from '@bolt/server/script';
import { type RecordedCluster, recordedScript, type ScenarioCluster } from '@bolt/test-support';

const HOST = '127.0.0.1';

export class ScriptStage implements ScenarioCluster {
  private readonly players = new Map<number, { player: ScriptPlayer; lines: string[] }>();
  /** The port each member really listens on, by its port in the scripts. */
  private readonly ports = new Map<number, number>();
  private readonly wire: string[] = [];

  private constructor(readonly url: string) {}

  /** Start the players of `script`: a file of `recorded/`, or a cluster. */
  static async start(script: string | RecordedCluster): Promise<ScriptStage> {
    if (typeof script === 'string') {
      const stage = new ScriptStage('');
      const port = await stage.play(0, script, recordedScript(script), {});
      return Object.assign(stage, { url: `bolt://${HOST}:${port}` });
    }
    const members = Object.entries(script.members).map(
      ([p, f]) => [Number(p), f as string, recordedScript(`routing/${f}`)] as const,
    );
    // every member the scripts name gets a port, whether it plays or not (then nothing answers)
    const named = new Set(members.map(([p]) => p));
    for (const [, , text] of members) {
      for (const [, p] of text.matchAll(/#HOST#:(\d+)/g)) named.add(Number(p));
    }
    const ports = new Map(
      await Promise.all([...named].map(async (p) => [p, await freePort()] as const)),
    );
    const router = `${HOST}:${ports.get(9000)}`;
    const substitutions: Record<string, string> = {};
    // the longer names first: `#HOST#:9010` before `#HOST#`
    for (const [p, real] of ports) substitutions[`#HOST#:${p}`] = `${HOST}:${real}`;
    substitutions['#ROUTINGCTX#'] = `{"address": "${router}", "region": "china"}`;
    substitutions['#HOST#'] = HOST;
    Object.assign(substitutions, script.vars);
    const stage = new ScriptStage(`neo4j://${router}?region=china`);
    for (const [p, real] of ports) stage.ports.set(p, real);
    for (const [p, file, text] of members) {
      await stage.play(p, file, text, substitutions, ports.get(p));
    }
    return stage;
  }

  /** The Bolt version (`major.minor`) of each script `script` plays. */
  static boltVersions(script: string | RecordedCluster): string[] {
    const files =
      typeof script === 'string'
        ? [script]
        : Object.values(script.members).map((f) => `routing/${f}`);
    const substitutions = {
      '#ROUTINGCTX#': '{}',
      ...(typeof script === 'string' ? {} : script.vars),
    };
    return files.map((file) => {
      const { major, minor } = parseScript(recordedScript(file), { substitutions }).version;
      return `${major}.${minor}`;
    });
  }

  private async play(
    member: number,
    source: string,
    text: string,
    substitutions: Record<string, string>,
    port = 0,
  ): Promise<number> {
    const parsed = parseScript(text, { source, substitutions });
    const lines: string[] = [];
    const player = new ScriptPlayer(parsed, {
      idleTimeoutMs: 5000,
      log: (l) => {
        lines.push(l);
        this.wire.push(member === 0 ? l : `${member} ${l}`);
      },
    });
    this.players.set(member, { player, lines });
    const net = tcp();
    const singleRun = !parsed.allowRestart && !parsed.allowConcurrent;
    let accepted = 0;
    const listener: ListenerModule = {
      name: net.name,
      listen: (options, onConnection) =>
        net.listen(options, (t) => {
          // the conformance suite's stub serves one conversation, then is gone
          if (singleRun && accepted++ > 0) t.destroy();
          else onConnection(t);
        }),
    };
    const listening = await player.listen(member === 0 ? tcp() : listener, { host: HOST, port });
    return listening.address.port;
  }

  /** The one player of a script; undefined for a cluster. */
  get player(): ScriptPlayer | undefined {
    return this.players.get(0)?.player;
  }

  member(address: string): number | undefined {
    for (const [p, real] of this.ports) if (address === `${HOST}:${real}`) return p;
    return undefined;
  }

  count(port: number, message: string): number {
    const lines = this.players.get(port)?.lines ?? [];
    return lines.filter((l) => new RegExp(`\\) C: ${message}\\b`).test(l)).length;
  }

  /** Every player must have played its script to the end. */
  async finish(): Promise<void> {
    for (const { player } of this.players.values()) await player.finish({ timeoutMs: 3000 });
  }

  async close(): Promise<void> {
    await Promise.all([...this.players.values()].map(({ player }) => player.close()));
  }

  /** What every player saw, in order, for failure messages. */
  log(): string {
    return this.wire.join('\n');
  }
}

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
