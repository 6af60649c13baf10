/**
 * Writes what a relayed connection said as a stub script that `bolt stub` (or testkit's stub
 * server) replays: `!: BOLT` of the negotiated version, `C:` lines for the client's messages and
 * `S:` blocks for the server's, each field in the script notation. Authentication messages are
 * written with wildcards (`{"{}": "*"}`): credentials never reach the file.
 */
import { boltStructs, Decoder, type Structure, structFeatures } from '@bolt/packstream';
import { type BoltVersion, formatVersion } from '@bolt/parser';
import { formatScriptLine } from '@bolt/server/script';

/** Messages that carry credentials, and the fields written for them instead. */
const REDACTED: Record<string, string> = {
  HELLO: 'HELLO {"{}": "*"}',
  LOGON: 'LOGON {"{}": "*"}',
  INIT: 'INIT "*" {"{}": "*"}',
};

/** A date-time with an offset (and maybe a zone) in the script notation. */
const ZONED_DATE_TIME = /\{"T": ("\d{4,}-\d\d-\d\dT[^"]*(?:Z|[+-]\d\d:\d\d)(?:\[[^\]"]*\])?")\}/g;

export class ScriptRecorder {
  private version: BoltVersion | undefined;
  private manifest = false;
  private utc = false;
  private readonly lines: string[] = [];
  private last: 'C' | 'S' | undefined;

  constructor(
    private readonly from: string,
    private readonly to: string,
  ) {}

  handshake(version: BoltVersion, manifest: boolean): void {
    this.version = version;
    this.manifest = manifest;
  }

  message(direction: 'C' | 'S', name: string, body: Uint8Array, version: BoltVersion): void {
    // Jolt 2 carries element ids, which graph values have from Bolt 5
    const jolt = structFeatures(version).elementIds ? 2 : 1;
    let line = REDACTED[name];
    if (direction === 'S' || line === undefined) {
      const decoder = new Decoder({
        integers: 'bigint',
        structs: boltStructs(version, { utc: this.utc }),
      });
      const struct = decoder.decodeStruct(body) as Structure;
      line = formatScriptLine(name, struct.fields, jolt);
      // with the utc patch a Bolt 4 date-time travels in its Bolt 5 form: the "Tv2" sigil
      if (this.utc && jolt === 1) line = line.replace(ZONED_DATE_TIME, '{"Tv2": $1}');
      if (direction === 'S' && name === 'SUCCESS') this.noticeUtc(struct.fields[0]);
    }
    this.add(direction, line);
  }

  noop(): void {
    this.add('S', '<NOOP>');
  }

  private add(direction: 'C' | 'S', line: string): void {
    // consecutive server lines form one block: later ones continue the first
    this.lines.push(
      direction === 'S' && this.last === 'S' ? `   ${line}` : `${direction}: ${line}`,
    );
    this.last = direction;
  }

  /** 4.3/4.4: the server agreed to the UTC date-times; later temporal values use them. */
  private noticeUtc(metadata: unknown): void {
    const patch = (metadata as { patch_bolt?: unknown } | null)?.patch_bolt;
    if (Array.isArray(patch) && patch.includes('utc')) this.utc = true;
  }

  /** The script, or undefined when the handshake never completed. */
  script(): string | undefined {
    if (!this.version) return undefined;
    const head = [
      `# recorded by bolt proxy: ${this.from} -> ${this.to}`,
      `!: BOLT ${formatVersion(this.version)}`,
    ];
    if (this.manifest) head.push('!: MANIFEST');
    return `${[...head, '', ...this.lines].join('\n')}\n`;
  }
}
