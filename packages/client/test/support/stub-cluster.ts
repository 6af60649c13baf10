/**
 * Several script players standing in for the members of a cluster, on one in-memory network:
 * each listens on a fixed port (9000 routers, 9010 readers, 9020 writers, as in the
 * conformance suite) and plays a script from the recorded conversations' routing/ folder
 * (`@bolt/test-support`). A player of a script without `!: ALLOW RESTART` takes one connection,
 * and later connections are refused, as the suite's stub server exits after its one
 * conversation.
 */
import { type ListenerModule, type MemoryNetwork, memoryNetwork } from '@bolt/net-adapters';
import { parseScript, ScriptPlayer } from '@bolt/server/script';
import { recordedScript } from '@bolt/test-support';
import { auth, type Driver, type DriverConfig, driver } from '../../src/index.js';

export const HOST = '127.0.0.1';
/** The routing context of {@link StubCluster.driver}'s URL, as it travels in HELLO and ROUTE. */
export const ROUTING_CONTEXT = `{"address": "${HOST}:9000", "region": "china"}`;

export class StubCluster {
  readonly net: MemoryNetwork = memoryNetwork();
  private readonly players = new Map<number, { player: ScriptPlayer; lines: string[] }>();
  private readonly log: string[] = [];
  private readonly drivers: Driver[] = [];

  /** Play `script` on `port`; `vars` add to the standard substitutions. */
  async start(port: number, script: string, vars: Record<string, string> = {}): Promise<void> {
    await this.stop(port);
    const parsed = parseScript(recordedScript(`routing/${script}`), {
      source: script,
      substitutions: { '#ROUTINGCTX#': ROUTING_CONTEXT, '#HOST#': HOST, ...vars },
    });
    const lines: string[] = [];
    const player = new ScriptPlayer(parsed, {
      idleTimeoutMs: 5000,
      log: (l) => {
        lines.push(l);
        this.log.push(`${port} ${l}`);
      },
    });
    const singleRun = !parsed.allowRestart && !parsed.allowConcurrent;
    let accepted = 0;
    const listener: ListenerModule = {
      name: this.net.listener.name,
      listen: (options, onConnection) =>
        this.net.listener.listen(options, (t) => {
          // the conformance suite's stub serves one conversation, then is gone
          if (singleRun && accepted++ > 0) t.destroy();
          else onConnection(t);
        }),
    };
    await player.listen(listener, { port });
    this.players.set(port, { player, lines });
  }

  /** The player on `port` must have played its script to the end; it stops listening. */
  async done(port: number): Promise<void> {
    const p = this.players.get(port);
    if (!p) throw new Error(`nothing plays on port ${port}`);
    this.players.delete(port);
    try {
      await p.player.finish({ timeoutMs: 3000 });
    } catch (e) {
      if (e instanceof Error) e.message += `\n--- wire ---\n${this.log.join('\n')}`;
      throw e;
    }
  }

  /** Stop the player on `port` without judging it. */
  async stop(port: number): Promise<void> {
    const p = this.players.get(port);
    this.players.delete(port);
    await p?.player.close();
  }

  /** How many `message` requests (e.g. `ROUTE`) reached the player on `port`. */
  count(port: number, message: string): number {
    const lines = this.players.get(port)?.lines ?? [];
    return lines.filter((l) => new RegExp(`\\) C: ${message}\\b`).test(l)).length;
  }

  /** Connections the player on `port` accepted. */
  connections(port: number): number {
    return this.players.get(port)?.player.connections ?? 0;
  }

  /** A routing driver to the router on 9000 with the routing context of the scripts. */
  driver(config: DriverConfig = {}): Driver {
    const d = driver(`neo4j://${HOST}:9000?region=china`, {
      auth: auth.basic('p', 'c'),
      userAgent: '007',
      netModule: this.net.module,
      connectionTimeoutMs: 2000,
      retry: { initialDelayMs: 5, multiplier: 1.5, jitter: 0 },
      maxTransactionRetryTimeMs: 2000,
      ...config,
    });
    this.drivers.push(d);
    return d;
  }

  /** The traffic of every player so far, for failure messages. */
  wire(): string {
    return this.log.join('\n');
  }

  async close(): Promise<void> {
    await Promise.all(this.drivers.splice(0).map((d) => d.close()));
    await Promise.all([...this.players.keys()].map((port) => this.stop(port)));
  }
}
