/**
 * Helpers for the script player tests: a hand-driven Bolt client on one end of a memory pair
 * (it sends exactly the messages a test names and records what comes back), and a harness
 * that serves a script to such clients and reads the verdict.
 */
import { ChunkWriter, Dechunker } from '@bolt/chunking';
import { memoryPair, type Transport } from '@bolt/net-adapters';
import { Decoder, Encoder, StructRegistry } from '@bolt/packstream';
import { encodeClientHandshake, SIGNATURE } from '@bolt/parser/internal';
import {
  parseScript,
  ScriptFailure,
  ScriptPlayer,
  type ScriptPlayerOptions,
} from '@bolt/server/script';
import { afterEach } from 'vitest';

type Name = keyof typeof SIGNATURE;
const RESPONSES = new Map(
  (['SUCCESS', 'RECORD', 'IGNORED', 'FAILURE'] as const).map((n) => [SIGNATURE[n] as number, n]),
);

/** A hand-driven Bolt client on one end of a memory pair. */
export class RawClient {
  readonly received: { name: string; fields: unknown[] }[] = [];
  /** Every byte received after the handshake reply, as it arrived (for NOOP/RAW checks). */
  readonly bytes: number[] = [];
  handshakeReply: Uint8Array | undefined;
  ended = false;
  private pending = new Uint8Array(0);
  private waiters: (() => void)[] = [];
  private readonly dechunker = new Dechunker({
    onMessage: (body) => {
      const s = new Decoder({ integers: 'bigint', structs: StructRegistry.empty() }).decodeStruct(
        body,
      );
      const name = RESPONSES.get(s.tag) ?? `0x${s.tag.toString(16)}`;
      this.received.push({ name, fields: s.fields });
    },
    onNoop: () => this.received.push({ name: '<NOOP>', fields: [] }),
  });

  constructor(
    readonly transport: Transport,
    private readonly replyLength = 4,
  ) {
    transport.receive({
      onData: (chunk) => {
        if (!this.handshakeReply) {
          const all = new Uint8Array(this.pending.length + chunk.length);
          all.set(this.pending);
          all.set(chunk, this.pending.length);
          if (all.length < this.replyLength) {
            this.pending = all;
            return;
          }
          this.handshakeReply = all.slice(0, this.replyLength);
          chunk = all.subarray(this.replyLength);
        }
        this.bytes.push(...chunk);
        this.dechunker.push(chunk);
        this.notify();
      },
      onEnd: () => {
        this.ended = true;
        this.notify();
      },
    });
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolve once `ready()` holds (bounded: 2 s, then throws). */
  async until(ready: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 2000;
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async handshake(major: number, minor: number, range = 0): Promise<void> {
    this.transport.write(encodeClientHandshake([{ major, minor, range }]));
    await this.until(() => this.handshakeReply !== undefined || this.ended, 'the handshake reply');
  }

  /** Encode messages (pipelined in one write unless `split`, which writes byte by byte). */
  send(messages: [Name, ...unknown[]][], split = false): void {
    const writer = new ChunkWriter();
    const encoder = new Encoder();
    for (const [name, ...fields] of messages) {
      writer.beginMessage();
      encoder.encodeStructInto(writer.out, SIGNATURE[name], fields);
      writer.endMessage();
    }
    const bytes = writer.flush();
    if (split) for (const b of bytes) this.transport.write(Uint8Array.of(b));
    else this.transport.write(bytes);
  }

  async receive(count: number): Promise<string[]> {
    await this.until(() => this.received.length >= count || this.ended, `${count} messages`);
    return this.received.map((m) => m.name);
  }
}

let players: ScriptPlayer[] = [];
afterEach(async () => {
  await Promise.all(players.map((p) => p.close()));
  players = [];
});

export function serve(
  text: string,
  idleTimeoutMs = 2000,
  options: ScriptPlayerOptions = {},
): { player: ScriptPlayer; connect(replyLength?: number): RawClient } {
  const player = new ScriptPlayer(parseScript(text), { idleTimeoutMs, ...options });
  players.push(player);
  return {
    player,
    connect(replyLength = 4) {
      const [client, server] = memoryPair();
      player.accept(server);
      return new RawClient(client, replyLength);
    },
  };
}

export async function verdict(player: ScriptPlayer): Promise<ScriptFailure | undefined> {
  try {
    await player.finish({ timeoutMs: 1000 });
    return undefined;
  } catch (e) {
    if (ScriptFailure.isInstance(e)) return e;
    throw e;
  }
}
