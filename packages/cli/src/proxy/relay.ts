/**
 * One relayed connection of `bolt proxy`: the bytes go through unchanged (after an optional
 * delay), while a `BoltFeedParser` per direction decodes them for the log, the recording and the
 * dumps of what cannot be decoded.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transport } from '@bolt/net-adapters';
import {
  BoltFeedParser,
  type BoltVersion,
  formatMessage,
  formatProposal,
  formatVersion,
  hex,
  LOG_FORMAT,
  type Request,
  type Response,
} from '@bolt/parser/internal';
import { ScriptRecorder } from './script-recorder.js';

export interface RelayOptions {
  /** Delay every chunk by this many ms, in both directions (order kept). Default 0. */
  latencyMs: number;
  /** Drop both connections once this many messages (both directions) were seen. Default: never. */
  dropAfter: number | undefined;
  /** Folder for messages that cannot be decoded (`.bin` raw, `.txt` reason and hex). Default: none. */
  dumpDir: string | undefined;
  /** Where to write the recorded conversation as a stub script. Default: not recorded. */
  recordPath: string | undefined;
  /** One line per event. */
  log: (line: string) => void;
}

type Direction = 'C' | 'S';

export class Relay {
  private readonly parsers: Record<Direction, BoltFeedParser>;
  /** A direction whose bytes stopped decoding (bad handshake): still relayed, no longer read. */
  private readonly blind = { C: false, S: false };
  private readonly recorder: ScriptRecorder | undefined;
  private messages = 0;
  private dumps = 0;
  private dropped = false;
  private closedSides = 0;
  /** Resolves when both sides are closed and the recording is written. */
  readonly done: Promise<void>;
  private finished!: () => void;

  constructor(
    private readonly client: Transport,
    private readonly server: Transport,
    private readonly id: number,
    private readonly options: RelayOptions,
  ) {
    this.done = new Promise((resolve) => {
      this.finished = resolve;
    });
    this.recorder = options.recordPath
      ? new ScriptRecorder(client.remoteAddress, server.remoteAddress)
      : undefined;
    this.parsers = {
      C: new BoltFeedParser({
        side: 'client',
        onHandshake: (info) => {
          if (info.proposals)
            this.log('C', `<HANDSHAKE> ${info.proposals.map(formatProposal).join(', ')}`);
        },
        onMessage: (msg, body) => this.onMessage('C', msg, body),
        onNoop: () => this.log('C', '<NOOP>'),
        onError: (e, body) => this.undecodable('C', e, body),
      }),
      S: new BoltFeedParser({
        side: 'server',
        onHandshake: (info) => {
          const v = info.version;
          this.log(
            'S',
            `<HANDSHAKE> ${v ? `Bolt ${formatVersion(v)}` : 'no common version'}${info.manifest ? ' (manifest)' : ''}`,
          );
          if (v) {
            this.parsers.C.setVersion(v);
            this.recorder?.handshake(v, info.manifest !== undefined);
          }
        },
        onMessage: (msg, body) => this.onMessage('S', msg, body),
        onNoop: () => {
          this.log('S', '<NOOP>');
          this.recorder?.noop();
        },
        onError: (e, body) => this.undecodable('S', e, body),
      }),
    };
    this.log('C', `<ACCEPT> ${client.remoteAddress} -> ${server.remoteAddress}`);
    this.pipe('C', client, server);
    this.pipe('S', server, client);
  }

  private log(direction: Direction, text: string): void {
    this.options.log(`[#${this.id}] ${direction}: ${text}`);
  }

  private pipe(direction: Direction, from: Transport, to: Transport): void {
    from.receive({
      onData: (chunk) => {
        this.read(direction, chunk);
        this.forward(from, to, chunk);
      },
      onEnd: (error) => {
        this.log(direction, error ? `<BROKEN> ${error.message}` : '<HANGUP>');
        this.later(() => to.end());
      },
    });
    void from.closed.then(() => this.sideClosed());
  }

  private read(direction: Direction, chunk: Uint8Array): void {
    if (this.blind[direction]) return;
    try {
      this.parsers[direction].feed(chunk);
    } catch (e) {
      // a handshake this parser cannot follow: keep relaying, stop decoding this direction
      this.blind[direction] = true;
      this.log(direction, `<UNDECODABLE> ${(e as Error).message}; relaying without decoding`);
    }
  }

  /** Send now, or after the latency (timers of equal delay keep their order). */
  private later(action: () => void): void {
    if (this.options.latencyMs > 0) setTimeout(action, this.options.latencyMs);
    else action();
  }

  private forward(from: Transport, to: Transport, chunk: Uint8Array): void {
    this.later(() => {
      if (this.dropped) return;
      try {
        if (!to.write(chunk)) {
          from.pause();
          void to.drained().then(
            () => from.resume(),
            () => undefined,
          );
        }
      } catch {
        from.destroy(); // the other side is gone
      }
    });
  }

  private onMessage(direction: Direction, msg: Request | Response, body: Uint8Array): void {
    this.messages++;
    this.log(direction, formatMessage(msg, LOG_FORMAT));
    if (direction === 'S' && msg.type === 'SUCCESS') {
      const patch = msg.metadata.patch_bolt;
      if (Array.isArray(patch) && patch.includes('utc')) this.parsers.C.enableUtcPatch();
    }
    const version = this.parsers[direction].version as BoltVersion;
    this.recorder?.message(direction, msg.type, body, version);
    const { dropAfter } = this.options;
    if (dropAfter !== undefined && this.messages >= dropAfter && !this.dropped) {
      this.later(() => {
        this.dropped = true;
        this.log(direction, `<DROP> after ${this.messages} messages (--drop-after)`);
        this.client.destroy();
        this.server.destroy();
      });
    }
  }

  private undecodable(direction: Direction, error: Error, body: Uint8Array): void {
    const n = ++this.dumps;
    const { dumpDir } = this.options;
    if (!dumpDir) {
      this.log(direction, `<UNDECODABLE> ${error.message} (${body.length} bytes)`);
      return;
    }
    const base = join(
      dumpDir,
      `connection-${this.id}-${n}-${direction === 'C' ? 'client' : 'server'}`,
    );
    this.log(
      direction,
      `<UNDECODABLE> ${error.message} (${body.length} bytes, dumped to ${base}.bin)`,
    );
    const text = `${error.message}\n${body.length} bytes\n${hex(body)}\n`;
    void mkdir(dumpDir, { recursive: true })
      .then(() => Promise.all([writeFile(`${base}.bin`, body), writeFile(`${base}.txt`, text)]))
      .catch((e: Error) => this.log(direction, `<DUMP FAILED> ${e.message}`));
  }

  private sideClosed(): void {
    if (++this.closedSides < 2) return;
    const path = this.options.recordPath;
    const script = this.recorder?.script();
    if (!path || script === undefined) {
      this.finished();
      return;
    }
    writeFile(path, script).then(
      () => {
        this.options.log(`[#${this.id}] recorded to ${path}`);
        this.finished();
      },
      (e: Error) => {
        this.options.log(`[#${this.id}] could not write ${path}: ${e.message}`);
        this.finished();
      },
    );
  }
}
