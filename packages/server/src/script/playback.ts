/**
 * One connection playing a script: the handshake, then every client message is matched against
 * the script (see `walk.ts`) and the server lines that follow are sent. The events are logged
 * with the words testkit's stub server uses, since testkit's tests count them: `<ACCEPT>`,
 * `C: <MAGIC>`, `C:`/`S: <HANDSHAKE>`, `(line) C: MSG …` per matched message, `(line) S: MSG …`
 * per server line, `<BROKEN>` when the client hangs up while the script is not over, `<EXIT>`,
 * and `<HANGUP>` when the connection is done with.
 */
import { ChunkWriter, Dechunker } from '@bolt/chunking';
import type { Transport } from '@bolt/net-adapters';
import { boltStructs, Decoder, Encoder, StructRegistry, type Structure } from '@bolt/packstream';
import {
  type BoltVersion,
  features,
  hex,
  requestForSignature,
  requestInVersion,
  ServerHandshake,
  SIGNATURE,
} from '@bolt/parser/internal';
import type { ServerAction } from './body.js';
import { ScriptFailure, type ScriptFailureCode } from './errors.js';
import { formatScriptLine, formatValue, pythonFloat } from './format.js';
import { chooseVersion, handshakeAnswer } from './handshake.js';
import type { Script } from './parse-script.js';
import { PyError, type PyScope } from './python.js';
import {
  advance,
  type Cont,
  canSkip,
  consume,
  expectedLines,
  type Incoming,
  prepend,
  type WalkContext,
} from './walk.js';

/** What a playback needs from its player. */
export interface PlaybackHost {
  readonly script: Script;
  readonly scope: PyScope;
  readonly idleTimeoutMs: number;
  readonly maxMessageSize: number;
  log(text: string, playback: Playback): void;
  fail(failure: ScriptFailure): void;
  succeeded(): void;
  nextBoltId(): string;
}

type Phase = 'handshake' | 'messages' | 'over';

/** Client messages decoded ahead of the script before the transport is paused. */
const INBOX_LIMIT = 1024;

/** testkit's stub answers HELLO with these agents (the Neo4j release that brought the version). */
const AGENTS: Record<string, string> = {
  '1.0': 'Neo4j/3.3.0',
  '2.0': 'Neo4j/3.4.0',
  '3.0': 'Neo4j/3.5.0',
  '5.1': 'Neo4j/5.5.0',
  '5.2': 'Neo4j/5.7.0',
  '5.3': 'Neo4j/5.9.0',
  '5.4': 'Neo4j/5.13.0',
  '5.6': 'Neo4j/5.23.0',
  '5.7': 'Neo4j/5.24.0',
};

export class Playback {
  private phase: Phase = 'handshake';
  private cont: Cont;
  private readonly ctx: WalkContext;
  private readonly version: BoltVersion;
  private readonly rawDecoder: Decoder;
  private readonly decoder: Decoder;
  private readonly encoder: Encoder;
  private readonly writer = new ChunkWriter();
  private readonly dechunker: Dechunker;
  private manifest: ServerHandshake | undefined;
  private pending = new Uint8Array(0);
  private readonly inbox: { msg: Incoming; body: Uint8Array }[] = [];
  /** Bytes received after the handshake (for `<ASSERT ORDER>`). */
  private bytesIn = 0;
  private magicLogged = false;
  private ended: Error | false | undefined;
  private skipRequested = false;
  private wake: (() => void) | undefined;
  private settled = false;
  /** Resolves when the connection is done with (verdict given, transport closed). */
  readonly done: Promise<void>;

  constructor(
    private readonly host: PlaybackHost,
    readonly transport: Transport,
    /** 1-based number of the connection, in the order served. */
    readonly id: number,
  ) {
    const { script } = host;
    this.version = script.version;
    this.ctx = { scope: host.scope, jolt: features(script.version).elementIds ? 2 : 1 };
    this.cont = prepend(script.body, null);
    const structs = boltStructs(this.version);
    this.rawDecoder = new Decoder({
      integers: 'bigint',
      structs: StructRegistry.empty({ uuid: structs.uuid }),
    });
    this.decoder = new Decoder({ integers: 'bigint', structs });
    this.encoder = new Encoder({ structs });
    if (script.manifest && !script.handshake) {
      this.manifest = new ServerHandshake({ supported: [this.version], manifest: true });
    }
    this.dechunker = new Dechunker({
      maxMessageSize: host.maxMessageSize,
      onMessage: (body) => this.onMessage(body),
      onNoop: () => {},
    });
    this.done = this.play()
      .catch((e: unknown) => {
        if (e instanceof PyError)
          this.failWith('PYTHON', `connection ${this.id}: Python: ${e.message}`);
        else this.failWith('BAD_MESSAGE', `connection ${this.id}: ${(e as Error)?.message ?? e}`);
      })
      .finally(() => this.hangUp());
  }

  private log(text: string): void {
    this.host.log(text, this);
  }

  /** End now, without a verdict (the player is closing). */
  stop(): void {
    if (!this.settled) {
      this.settled = true;
      this.log('S: <EXIT> the player is closing');
    }
    this.phase = 'over';
    this.poke();
  }

  /** Finish now if the rest of the script may be skipped (testkit's first interrupt). */
  skipToEnd(): void {
    this.skipRequested = true;
    this.poke();
  }

  /** The player is finishing: judge the connection as if the client hung up now. */
  abandon(): void {
    if (this.settled) return;
    if (this.phase === 'messages' && this.inbox.length === 0 && canSkip(this.cont, this.ctx)) {
      this.succeed('Script finished (the rest of the script is optional)');
    } else {
      this.failWith(
        'INCOMPLETE',
        `connection ${this.id} was still open when the player finished`,
        true,
      );
    }
  }

  private async play(): Promise<void> {
    this.log(`S: <ACCEPT> ${this.transport.remoteAddress} -> ${this.transport.localAddress}`);
    this.transport.receive({
      onData: (chunk) => this.onData(chunk),
      onEnd: (error) => {
        this.ended = error ?? false;
        this.poke();
      },
    });
    await this.waitFor(() => this.phase !== 'handshake', 'the handshake');
    if (this.phase !== 'messages') {
      if (!this.settled && this.ended !== undefined) {
        this.failWith(
          'HANDSHAKE',
          `connection ${this.id}: the client hung up during the handshake`,
        );
      }
      return;
    }
    await this.serve();
    while (this.phase === 'messages') {
      if (this.cont === null) {
        this.succeed('Script finished');
        return;
      }
      await this.waitFor(
        () => this.inbox.length > 0 || this.ended !== undefined || this.skipRequested,
        'the next client message',
      );
      if (this.phase !== 'messages') return;
      const next = this.inbox.shift();
      if (this.inbox.length === INBOX_LIMIT - 1) this.transport.resume();
      if (!next) {
        if (this.skipRequested && this.ended === undefined) {
          this.skipRequested = false;
          if (canSkip(this.cont, this.ctx)) this.succeed('Script finished (skipped to the end)');
          continue;
        }
        this.log(
          `S: <BROKEN> ${this.ended ? this.ended.message : 'the client closed the connection'}`,
        );
        if (canSkip(this.cont, this.ctx)) this.succeed('Script finished');
        else
          this.failWith(
            'INCOMPLETE',
            `connection ${this.id}: the client hung up before the end of the script`,
            true,
          );
        return;
      }
      this.onClientMessage(next.msg, next.body);
      await this.serve();
    }
  }

  private onClientMessage(msg: Incoming, body: Uint8Array): void {
    const step = consume(this.cont, msg, this.ctx);
    if (step) {
      this.log(`(${String(step.line.line).padStart(3)}) C: ${this.describe(msg, body)}`);
      this.cont = step.next;
      if (step.auto) this.autoRespond(msg);
    } else if (this.host.script.autoMessages.has(msg.name)) {
      this.log(`C: ${this.describe(msg, body)}`);
      this.autoRespond(msg);
    } else {
      this.failWith(
        'MISMATCH',
        `connection ${this.id}: the client sent a message the script does not allow here`,
        true,
        this.describe(msg, body),
      );
    }
  }

  /** Run the server lines (and Python, conditions) the script reaches without the client. */
  private async serve(): Promise<void> {
    while (this.phase === 'messages') {
      const { actions, next } = advance(this.cont, this.ctx);
      this.cont = next;
      if (!actions) return;
      for (const action of actions) {
        await this.act(action);
        if (this.phase !== 'messages') return;
      }
      this.flush();
    }
  }

  private async act(action: ServerAction): Promise<void> {
    const at = `(${String(action.line).padStart(3)}) S:`;
    switch (action.type) {
      case 'message':
        this.log(`${at} ${action.text}`);
        this.send(action.name, action.fields);
        return;
      case 'noop':
        this.log(`${at} <NOOP>`);
        this.writer.writeNoop();
        return;
      case 'raw':
        this.flush();
        this.log(`${at} <RAW> ${hex(action.bytes)}`);
        this.transport.write(action.bytes.slice());
        return;
      case 'sleep':
        this.flush();
        this.log(`${at} <SLEEP> ${action.ms / 1000}`);
        await sleep(action.ms);
        return;
      case 'assertOrder': {
        this.flush();
        const before = this.bytesIn;
        await sleep(action.ms);
        if (this.bytesIn !== before || this.inbox.length > 0) {
          const first = this.inbox[0];
          this.failWith(
            'ORDER',
            `connection ${this.id}: <ASSERT ORDER> at line ${action.line}: the client sent something while it should have waited for the server`,
            false,
            first && this.describe(first.msg, first.body),
          );
        }
        return;
      }
      case 'exit':
        this.flush();
        this.succeed(`S: <EXIT> server exit as part of the script (line ${action.line})`);
        return;
    }
  }

  private send(name: string, fields: readonly unknown[]): void {
    this.writer.beginMessage();
    this.encoder.encodeStructInto(this.writer.out, SIGNATURE[name as 'SUCCESS'], fields);
    this.writer.endMessage();
  }

  private flush(): void {
    if (this.writer.length === 0 || this.phase === 'over') return;
    this.transport.write(this.writer.flush());
  }

  /** SUCCESS, with server metadata for HELLO/INIT, as testkit's stub answers. */
  private autoRespond(msg: Incoming): void {
    const v = this.version;
    const metadata: Record<string, unknown> = {};
    if (msg.name === 'HELLO' || msg.name === 'INIT') {
      const f = features(v);
      if (f.hasHello) metadata.connection_id = this.host.nextBoltId();
      metadata.server = AGENTS[`${v.major}.${v.minor}`] ?? `Neo4j/${v.major}.${v.minor}.0`;
      if (f.routingInHello) metadata.routing = null;
    }
    this.log('AUTO response:');
    this.log(`S: SUCCESS ${formatValue(metadata, this.ctx.jolt)}`);
    this.send('SUCCESS', [metadata]);
    this.flush();
  }

  // ---- bytes in

  private onData(chunk: Uint8Array): void {
    if (this.phase === 'over') return;
    try {
      if (this.phase === 'handshake') this.onHandshakeBytes(chunk);
      else {
        this.bytesIn += chunk.length;
        this.dechunker.push(chunk);
      }
    } catch (e) {
      this.failWith(
        this.phase === 'handshake' ? 'HANDSHAKE' : 'BAD_MESSAGE',
        `connection ${this.id}: ${(e as Error)?.message ?? e}`,
      );
    }
    this.poke();
  }

  private onHandshakeBytes(chunk: Uint8Array): void {
    if (this.manifest) {
      this.onManifestHandshake(chunk);
      return;
    }
    const all = new Uint8Array(this.pending.length + chunk.length);
    all.set(this.pending);
    all.set(chunk, this.pending.length);
    this.pending = all;
    if (all.length < 4) return;
    const magic = all.subarray(0, 4);
    if (!this.magicLogged) {
      this.magicLogged = true;
      this.log(`C: <MAGIC> ${hex(magic)}`);
      if (hex(magic) !== '60 60 B0 17') {
        this.succeed(`S: <EXIT> expected the magic header 60 60 B0 17, received ${hex(magic)}`);
        return;
      }
    }
    if (all.length < 20) return;
    const proposals = all.subarray(4, 20);
    this.log(`C: <HANDSHAKE> ${hex(proposals)}`);
    const { script } = this.host;
    const version = script.handshake ? this.version : chooseVersion(proposals, this.version);
    const answer = script.handshake ?? handshakeAnswer(version);
    const rest = all.slice(20);
    this.pending = new Uint8Array(0);
    if (!version) {
      this.log(`S: <HANDSHAKE> ${hex(answer)}`);
      this.transport.write(answer);
      this.failWith(
        'HANDSHAKE',
        `connection ${this.id}: failed handshake, the script speaks Bolt ${this.version.major}.${this.version.minor}; the client sent ${hex(proposals)}`,
      );
      return;
    }
    this.answerHandshake(answer, rest);
  }

  private onManifestHandshake(chunk: Uint8Array): void {
    const handshake = this.manifest as ServerHandshake;
    let r = handshake.push(chunk);
    while (r && !r.done) {
      this.log(`S: <HANDSHAKE MANIFEST> ${hex(r.send)}`);
      this.transport.write(r.send);
      r = r.rest.length > 0 ? handshake.push(r.rest) : undefined;
    }
    if (!r) return;
    this.manifest = undefined;
    if (!r.version) {
      if (r.send.length > 0) this.transport.write(r.send);
      this.failWith(
        'HANDSHAKE',
        `connection ${this.id}: no common version: the script speaks Bolt ${this.version.major}.${this.version.minor}`,
      );
      return;
    }
    this.answerHandshake(r.send, r.rest);
  }

  private answerHandshake(answer: Uint8Array, rest: Uint8Array): void {
    this.phase = 'messages';
    const delay = this.host.script.handshakeDelayMs;
    const write = () => {
      if (this.phase === 'over') return;
      if (answer.length > 0) {
        this.transport.write(answer);
        this.log(`S: <HANDSHAKE> ${hex(answer)}`);
      }
      this.poke();
    };
    if (rest.length > 0) this.dechunker.push(rest);
    if (delay > 0) {
      this.log(`S: <HANDSHAKE DELAY> ${pythonFloat(delay / 1000)}`);
      this.handshakeWrite = sleep(delay).then(write);
    } else write();
  }

  /** Pending while a `HANDSHAKE_DELAY` holds the answer back. */
  private handshakeWrite: Promise<void> | undefined;

  private onMessage(body: Uint8Array): void {
    let struct: Structure;
    try {
      struct = this.rawDecoder.decodeStruct(body);
    } catch (e) {
      throw new Error(`undecodable client message: ${(e as Error)?.message ?? e}`);
    }
    const name = requestForSignature(struct.tag, this.version);
    if (!name || !requestInVersion(name, this.version)) {
      throw new Error(
        `unknown client message tag 0x${struct.tag.toString(16).padStart(2, '0')} in Bolt ${this.version.major}.${this.version.minor}`,
      );
    }
    this.inbox.push({ msg: { name, fields: struct.fields }, body });
    // a client far ahead of the script (e.g. during <SLEEP>) waits instead of filling memory
    if (this.inbox.length === INBOX_LIMIT) this.transport.pause();
  }

  /** A received message in the script notation (values hydrated for the version). */
  private describe(msg: Incoming, body: Uint8Array): string {
    let fields = msg.fields;
    try {
      fields = this.decoder.decodeStruct(body).fields;
    } catch {
      // keep the wire form
    }
    return formatScriptLine(msg.name, fields, this.ctx.jolt);
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Wait until `ready()` holds, the connection is over, or the idle timeout fires. */
  private async waitFor(ready: () => boolean, what: string): Promise<void> {
    const { idleTimeoutMs } = this.host;
    while (!ready() && this.phase !== 'over') {
      if (this.ended !== undefined && this.phase === 'handshake') return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await new Promise<boolean>((resolve) => {
        this.wake = () => resolve(false);
        if (idleTimeoutMs > 0) timer = setTimeout(() => resolve(true), idleTimeoutMs);
      });
      clearTimeout(timer);
      if (timedOut) {
        this.failWith(
          'TIMEOUT',
          `connection ${this.id}: waited ${idleTimeoutMs} ms for ${what}`,
          this.phase === 'messages',
        );
        return;
      }
    }
    await this.handshakeWrite;
  }

  // ---- endings

  private succeed(text: string): void {
    if (this.settled) return;
    this.settled = true;
    this.phase = 'over';
    this.log(text);
    this.host.succeeded();
    this.poke();
  }

  private failWith(
    code: ScriptFailureCode,
    message: string,
    expected = false,
    received?: string,
  ): void {
    if (this.settled) return;
    this.settled = true;
    this.phase = 'over';
    this.host.fail(
      new ScriptFailure(code, message, {
        expected: expected ? expectedLines(this.cont, this.ctx) : [],
        received,
        connection: this.id,
      }),
    );
    this.poke();
  }

  /** Like testkit's stub: what was sent still arrives, then the connection ends. */
  private hangUp(): void {
    this.phase = 'over';
    this.log('S: <HANGUP>');
    this.transport.end();
    // a peer that keeps its side open is cut off
    const timer = setTimeout(() => this.transport.destroy(), 2000);
    void this.transport.closed.then(() => clearTimeout(timer));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
