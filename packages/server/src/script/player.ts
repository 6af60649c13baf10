/**
 * Serves a parsed script to the connections it gets, as testkit's stub server does:
 *
 * - by default the script is played once: the first connection plays it, later ones are left
 *   waiting unserved, and when the first ends the player is over ({@link ScriptPlayer.ended});
 * - `!: ALLOW RESTART`: connections play it one after the other;
 * - `!: ALLOW CONCURRENT`: any number of connections play it at once.
 *
 * Python variables (`!: PY`, `PY:`) are shared by all connections of a player. A message the
 * script does not allow is a {@link ScriptFailure} naming the expected lines and the received
 * message, and the connection is closed. Use `finish()` at the end of a test: it waits for the
 * connections to end and throws the first failure.
 */
import type { Listener, ListenerModule, ListenOptions, Transport } from '@bolt/net-adapters';
import { ScriptFailure } from './errors.js';
import type { Script } from './parse-script.js';
import { Playback, type PlaybackHost } from './playback.js';
import { PyScope } from './python.js';

export interface ScriptPlayerOptions {
  /** Fail a connection whose client sends nothing for this long while the script waits for it
   *  (ms); 0 waits forever, as testkit's stub server does. Default 10000. */
  idleTimeoutMs?: number;
  /** Largest client message accepted (bytes, dechunked). Default 16 MiB. */
  maxMessageSize?: number;
  /** Receives one line per event (in testkit's stub-server words) and the connection it
   *  happened on. Default: none. */
  log?: (line: string, connection: ScriptConnection) => void;
}

/** A connection being played, as shown to `log`. */
export interface ScriptConnection {
  /** 1-based, in the order served. */
  readonly id: number;
  readonly remoteAddress: string;
  readonly localAddress: string;
}

export interface FinishOptions {
  /** How long to wait for open connections to end by themselves (ms). Default 5000. */
  timeoutMs?: number;
}

export class ScriptPlayer {
  readonly script: Script;
  private readonly host: PlaybackHost;
  private readonly listeners: Listener[] = [];
  private readonly active = new Set<Playback>();
  /** Connections not served (yet): waiting for their turn, or refused by a single-run script. */
  private readonly waiting: Transport[] = [];
  private readonly failureList: ScriptFailure[] = [];
  private served = 0;
  private played = 0;
  private boltIds = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private over!: () => void;
  /** Resolves when the player serves no more connections: a single-run script after its one
   *  connection, any script after `close()` or `finish()`. */
  readonly ended = new Promise<void>((resolve) => {
    this.over = resolve;
  });

  constructor(script: Script, options: ScriptPlayerOptions = {}) {
    this.script = script;
    const scope = new PyScope();
    for (const run of script.setup) run(scope);
    const log = options.log;
    const player = this;
    this.host = {
      script,
      scope,
      idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
      maxMessageSize: options.maxMessageSize ?? 16 * 1024 * 1024,
      log: log ? (text, p) => log(text, connectionOf(p)) : () => {},
      fail(failure) {
        player.failureList.push(failure);
        log?.(`!! ${failure.message}`, {
          id: failure.connection,
          remoteAddress: '',
          localAddress: '',
        });
      },
      succeeded() {
        player.played++;
      },
      nextBoltId: () => `bolt-${++this.boltIds}`,
    };
  }

  /** Failures so far, in the order they happened. */
  get failures(): readonly ScriptFailure[] {
    return this.failureList;
  }

  /** Connections served so far (playing or played). */
  get connections(): number {
    return this.served;
  }

  /** Connections that played the script to an acceptable end (or to an `<EXIT>`). */
  get completed(): number {
    return this.played;
  }

  /** Listen through a networking module; accepted connections are served as the script says. */
  async listen(module: ListenerModule, options: ListenOptions = {}): Promise<Listener> {
    const listener = await module.listen(options, (t) => this.accept(t));
    this.listeners.push(listener);
    return listener;
  }

  /** Serve one connected transport (or keep it waiting, as the script's mode says). */
  accept(transport: Transport): void {
    const { allowRestart, allowConcurrent } = this.script;
    if (this.closed || (!allowRestart && !allowConcurrent && this.served > 0)) {
      // testkit's single-run stub serves one connection; the others wait until it exits
      if (this.closed) transport.destroy();
      else this.waiting.push(transport);
      return;
    }
    if (!allowConcurrent && this.active.size > 0) {
      this.waiting.push(transport);
      return;
    }
    this.start(transport);
  }

  private start(transport: Transport): void {
    this.served++;
    const playback = new Playback(this.host, transport, this.served);
    this.active.add(playback);
    void playback.done.then(() => {
      this.active.delete(playback);
      const single = !this.script.allowRestart && !this.script.allowConcurrent;
      if (single) void this.shutDown();
      else if (!this.closed && !this.script.allowConcurrent) {
        const next = this.waiting.shift();
        if (next) this.start(next);
      }
      if (this.active.size === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  /** testkit's first interrupt: stop listening, and end each connection whose rest of the
   *  script may be skipped. Connections that cannot skip keep playing. */
  async skipToEnd(): Promise<void> {
    this.closed = true;
    for (const t of this.waiting.splice(0)) t.destroy();
    await this.stopListening();
    for (const p of this.active) p.skipToEnd();
  }

  /** Connections still playing. */
  get playing(): number {
    return this.active.size;
  }

  /** Resolves when no connection is playing (at once if none is). */
  idle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Wait until every connection has ended (at most `timeoutMs`), then stop, close what is left
   * (judged as if its client hung up), and throw the first failure: a mismatch, a connection
   * left mid-script, or no connection at all.
   */
  async finish(options: FinishOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 5000;
    if (this.active.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.idle(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    for (const p of this.active) p.abandon();
    await this.close();
    if (this.failureList.length > 0) throw this.failureList[0];
    if (this.served === 0)
      throw new ScriptFailure('NO_CONNECTION', 'no connection played the script');
  }

  /** Stop listening and end every connection now, without a verdict. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.active) p.stop();
    await this.shutDown();
    await Promise.all([...this.active].map((p) => p.done));
  }

  private async stopListening(): Promise<void> {
    await Promise.all(this.listeners.splice(0).map((l) => l.close().catch(() => undefined)));
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    for (const t of this.waiting.splice(0)) t.destroy();
    await this.stopListening();
    this.over();
  }
}

function connectionOf(p: Playback): ScriptConnection {
  return {
    id: p.id,
    remoteAddress: p.transport.remoteAddress,
    localAddress: p.transport.localAddress,
  };
}
