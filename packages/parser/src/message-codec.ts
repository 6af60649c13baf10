import type { ChunkWriter } from '@bolt/chunking';
import {
  ByteWriter,
  boltStructs,
  Decoder,
  type DecoderOptions,
  Encoder,
  type IntegerMode,
  ScalarListReader,
  type StructRegistry,
} from '@bolt/packstream';
import { type BoltFeatures, features } from './features.js';
import { badField, isMap } from './field-checks.js';
import { hex } from './hex.js';
import { requestForSignature, requestInVersion, SIGNATURE } from './message-catalog.js';
import { ProtocolError } from './protocol-error.js';
import { REQUEST_TYPES, type Request, type RequestType } from './request.js';
import {
  fieldsToRequest,
  notInVersion,
  requestFieldCount,
  requestSignature,
  requestToFields,
} from './request-fields.js';
import type { Response } from './response.js';
import { type BoltVersion, formatVersion } from './versions.js';

/** Chooses the struct registry for a version; `utc` is true once DateTime `49`/`69` apply. */
export type StructsFor = (version: BoltVersion, options: { utc: boolean }) => StructRegistry;

/** Options of {@link MessageCodec}. */
export interface MessageCodecOptions {
  /** The negotiated version. Required. */
  version: BoltVersion;
  /** 4.3/4.4: the server already echoed `patch_bolt: ["utc"]`. Default false. */
  utcPatch?: boolean;
  /** How decoded integers come back: `'auto'` (number when safe, else bigint) or `'bigint'`. Default `'auto'`. */
  integers?: IntegerMode;
  /** Send every JS number in user values as FLOAT (like the official driver). Protocol integer
   *  fields (n, qid, tx_timeout, api) are always sent as INT. Default false. */
  numbersAsFloat?: boolean;
  /** The struct registry, or a function choosing one per version and utc flag (so
   *  {@link MessageCodec.enableUtcPatch} can switch it). Default `boltStructs(version, {utc})`. */
  structs?: StructRegistry | StructsFor;
  /** Decoder limits (maxDepth, maxStringBytes, …); packstream defaults apply to the rest. */
  decoderLimits?: Partial<Omit<DecoderOptions, 'structs' | 'integers'>>;
}

const RESPONSE_NAMES: Record<number, Response['type']> = {
  [SIGNATURE.SUCCESS]: 'SUCCESS',
  [SIGNATURE.RECORD]: 'RECORD',
  [SIGNATURE.IGNORED]: 'IGNORED',
  [SIGNATURE.FAILURE]: 'FAILURE',
};
const RESPONSE_FIELDS: Record<Response['type'], number> = {
  SUCCESS: 1,
  RECORD: 1,
  IGNORED: 0,
  FAILURE: 1,
};
const IGNORED: Response = Object.freeze({ type: 'IGNORED' });
const NO_FIELDS: readonly unknown[] = Object.freeze([]);

/**
 * The Bolt message layer for one negotiated version: requests and responses as typed objects
 * to and from message bodies (one dechunked message each), through a {@link ChunkWriter} on the
 * way out. Client side: `encodeRequest` + `decodeResponse`; server side: `decodeRequest` +
 * `encodeResponse`/`encodeRecord`. Not reentrant; one per connection.
 */
export class MessageCodec {
  readonly version: BoltVersion;
  #features: BoltFeatures;
  #utc: boolean;
  readonly #structs: StructRegistry | StructsFor | undefined;
  readonly #integers: IntegerMode;
  readonly #numbersAsFloat: boolean;
  readonly #limits: Partial<DecoderOptions>;
  #encoder!: Encoder;
  #decoder!: Decoder;
  #protocolDecoder: Decoder | undefined;
  #structsInUse!: StructRegistry;
  /** Reads the values of a RECORD that `scanRecord` accepted, from its bytes. */
  readonly scalars: ScalarListReader;
  readonly #toInt: (v: number | bigint) => number | bigint;

  constructor(options: MessageCodecOptions) {
    const v = options.version;
    if (!v || !Number.isInteger(v.major) || !Number.isInteger(v.minor))
      throw new TypeError('MessageCodec needs a version { major, minor }');
    this.version = Object.freeze({ major: v.major, minor: v.minor });
    this.#structs = options.structs;
    this.#integers = options.integers ?? 'auto';
    this.#numbersAsFloat = options.numbersAsFloat ?? false;
    this.#limits = { ...options.decoderLimits };
    this.#toInt = toInt(this.#integers);
    this.scalars = new ScalarListReader({
      integers: this.#integers,
      maxStringBytes: options.decoderLimits?.maxStringBytes,
    });
    this.#features = features(v, { utcPatch: options.utcPatch === true });
    this.#utc = this.#features.utcDateTime;
    this.#build();
  }

  /** The feature flags of the version (utcDateTime follows the patch). */
  get features(): BoltFeatures {
    return this.#features;
  }

  /** True when DateTime travels as `49`/`69` (5.0+, or 4.3/4.4 after the patch). */
  get utc(): boolean {
    return this.#utc;
  }

  /**
   * Switch 4.3/4.4 to UTC DateTime (`49`/`69`) after the HELLO SUCCESS echoed
   * `patch_bolt: ["utc"]`. A no-op on 5.0+ (always UTC); a ProtocolError BAD_FIELD on versions
   * without the patch.
   */
  enableUtcPatch(): void {
    if (this.#utc) return;
    if (!this.#features.utcPatch)
      throw new ProtocolError(
        'BAD_FIELD',
        `the utc patch exists in Bolt 4.3–4.4, not in ${formatVersion(this.version)}`,
      );
    this.#utc = true;
    this.#features = features(this.version, { utcPatch: true });
    this.#build();
  }

  #build(): void {
    const s = this.#structs;
    const structs =
      typeof s === 'function'
        ? s(this.version, { utc: this.#utc })
        : (s ?? boltStructs(this.version, { utc: this.#utc }));
    this.#encoder = new Encoder({ structs, numbersAsFloat: this.#numbersAsFloat });
    this.#decoder = new Decoder({ ...this.#limits, structs, integers: this.#integers });
    this.#structsInUse = structs;
    this.#protocolDecoder = undefined;
  }

  /**
   * Messages that carry no user values (PULL, DISCARD, TELEMETRY, and those without fields) are
   * decoded with bigint integers, so that a FLOAT where the protocol wants an INT is caught.
   * Created on first use: only a server decodes requests.
   */
  #plainDecoder(): Decoder {
    this.#protocolDecoder ??= new Decoder({
      ...this.#limits,
      structs: this.#structsInUse,
      integers: 'bigint',
    });
    return this.#protocolDecoder;
  }

  // ------------------------------------------------------------------ requests

  /** Append one request, framed, to `out`. MESSAGE_NOT_IN_VERSION / BAD_FIELD leave `out` untouched. */
  encodeRequest(msg: Request, out: ChunkWriter): void {
    const fields = this.requestFields(msg);
    this.#write(out, requestSignature(msg.type), fields);
  }

  /** The message body of one request (unframed), e.g. for tools and tests. */
  encodeRequestBody(msg: Request): Uint8Array {
    const fields = this.requestFields(msg);
    const w = new ByteWriter(256);
    this.#encoder.encodeStructInto(w, requestSignature(msg.type), fields);
    return w.toBytes();
  }

  /** Checks `msg` against the version and returns its wire fields. */
  requestFields(msg: Request): readonly unknown[] {
    if (msg === null || typeof msg !== 'object' || typeof msg.type !== 'string')
      throw new ProtocolError('BAD_MESSAGE', 'a request must be an object with a type');
    const type = msg.type as RequestType;
    if (!REQUEST_TYPES.includes(type))
      throw new ProtocolError('UNKNOWN_MESSAGE', `unknown request type ${JSON.stringify(type)}`);
    if (!requestInVersion(type, this.version)) throw notInVersion(type, this.version);
    return requestToFields(msg, this.version, this.#numbersAsFloat);
  }

  /** Decode one request body (one dechunked message). `start`/`end`: the message is
   *  `body[start, end)`. */
  decodeRequest(body: Uint8Array, start = 0, end = body.length): Request {
    const { tag, count } = header(body, start, end);
    const type = requestForSignature(tag, this.version);
    if (type === undefined) {
      const name = RESPONSE_NAMES[tag];
      throw new ProtocolError(
        'UNKNOWN_MESSAGE',
        name
          ? `expected a request, got the response ${name} (signature ${hex(Uint8Array.of(tag))})`
          : `unknown request signature ${hex(Uint8Array.of(tag))}`,
      );
    }
    if (!requestInVersion(type, this.version)) throw notInVersion(type, this.version);
    const expected = requestFieldCount(type, this.version);
    if (count !== expected)
      throw new ProtocolError(
        'BAD_MESSAGE',
        `${type} in Bolt ${formatVersion(this.version)} has ${expected} field(s), got ${count}`,
      );
    if (count === 0) {
      if (end - start !== 2) this.#decoder.decodeStruct(body, start, end); // reports the trailing bytes
      return fieldsToRequest(type, NO_FIELDS as unknown[], this.version, this.#toInt);
    }
    const plain = type === 'PULL' || type === 'DISCARD' || type === 'TELEMETRY';
    const struct = (plain ? this.#plainDecoder() : this.#decoder).decodeStruct(body, start, end);
    return fieldsToRequest(type, struct.fields, this.version, this.#toInt);
  }

  // ------------------------------------------------------------------ responses

  /** Append one response, framed, to `out`. */
  encodeResponse(msg: Response, out: ChunkWriter): void {
    this.#write(out, responseSignature(msg), this.#responseFields(msg));
  }

  /** The message body of one response (unframed). */
  encodeResponseBody(msg: Response): Uint8Array {
    const w = new ByteWriter(256);
    this.#encoder.encodeStructInto(w, responseSignature(msg), this.#responseFields(msg));
    return w.toBytes();
  }

  /** Append `RECORD [values…]` to `out`: the hot path, no message object. The struct and list
   *  headers are written here and the values encoded after them, as one value would be. */
  encodeRecord(values: readonly unknown[], out: ChunkWriter): void {
    if (!Array.isArray(values)) throw badField('RECORD fields', 'a list', values);
    const n = values.length;
    out.beginMessage();
    const w = out.out;
    w.ensure(7);
    const b = w.buffer;
    let p = w.length;
    b[p++] = 0xb1;
    b[p++] = SIGNATURE.RECORD;
    if (n < 16) b[p++] = 0x90 | n;
    else if (n < 256) {
      b[p++] = 0xd4;
      b[p++] = n;
    } else if (n < 65536) {
      b[p++] = 0xd5;
      b[p++] = n >> 8;
      b[p++] = n & 0xff;
    } else {
      b[p++] = 0xd6;
      w.view.setUint32(p, n);
      p += 4;
    }
    w.length = p;
    try {
      this.#encoder.encodeItemsInto(w, values, 2);
    } catch (e) {
      out.abortMessage(); // a value that cannot be encoded leaves no half frame behind
      throw e;
    }
    out.endMessage();
  }

  #responseFields(msg: Response): readonly unknown[] {
    switch (msg?.type) {
      case 'SUCCESS':
      case 'FAILURE':
        if (!isMap(msg.metadata)) throw badField(`${msg.type} metadata`, 'a map', msg.metadata);
        return [msg.metadata];
      case 'RECORD':
        if (!Array.isArray(msg.fields)) throw badField('RECORD fields', 'a list', msg.fields);
        return [msg.fields];
      case 'IGNORED':
        return NO_FIELDS;
      default:
        throw new ProtocolError(
          'UNKNOWN_MESSAGE',
          `unknown response type ${JSON.stringify((msg as { type?: unknown })?.type)}`,
        );
    }
  }

  /**
   * The fields of a RECORD body (`B1 71` + list), decoded straight from the bytes with no
   * message object (a client's hot path), with the same structures as `decodeResponse` (the utc
   * patch included); undefined for any other response, which `decodeResponse` then reads. A
   * RECORD that does not hold a list is a ProtocolError BAD_FIELD. `start`/`end`: the message is
   * `body[start, end)`.
   */
  decodeRecord(body: Uint8Array, start = 0, end = body.length): unknown[] | undefined {
    if (body[start + 1] !== SIGNATURE.RECORD || body[start] !== 0xb1 || end - start < 2)
      return undefined;
    const fields = this.#decoder.decode(body, start + 2, end);
    if (!Array.isArray(fields)) throw badField('RECORD data', 'a list', fields);
    return fields;
  }

  /**
   * For a RECORD whose values are all scalars (null, booleans, integers, floats, strings) that
   * `decodeRecord` would accept: their count, with `scalars.first` the offset of the first one
   * in `body`, so they can be kept as bytes and read later with `scalars.read`. -1 for any
   * other message, which `decodeRecord` / `decodeResponse` then reads (or rejects).
   * `start`/`end`: the message is `body[start, end)`.
   */
  scanRecord(body: Uint8Array, start = 0, end = body.length): number {
    if (body[start + 1] !== SIGNATURE.RECORD || body[start] !== 0xb1 || end - start < 2) return -1;
    return this.scalars.scan(body, start + 2, end);
  }

  /** Decode one response body (one dechunked message). `start`/`end`: the message is
   *  `body[start, end)`. */
  decodeResponse(body: Uint8Array, start = 0, end = body.length): Response {
    const { tag, count } = header(body, start, end);
    const type = RESPONSE_NAMES[tag];
    if (type === undefined) {
      const request = requestForSignature(tag, this.version);
      throw new ProtocolError(
        'UNKNOWN_MESSAGE',
        request
          ? `expected a response, got signature ${hex(Uint8Array.of(tag))} (a request)`
          : `unknown response signature ${hex(Uint8Array.of(tag))}`,
      );
    }
    if (count !== RESPONSE_FIELDS[type])
      throw new ProtocolError(
        'BAD_MESSAGE',
        `${type} has ${RESPONSE_FIELDS[type]} field(s), got ${count}`,
      );
    const struct = this.#decoder.decodeStruct(body, start, end);
    switch (type) {
      case 'IGNORED':
        return IGNORED;
      case 'RECORD': {
        const fields = struct.fields[0];
        if (!Array.isArray(fields)) throw badField('RECORD data', 'a list', fields);
        return { type, fields };
      }
      default: {
        const metadata = struct.fields[0];
        if (!isMap(metadata)) throw badField(`${type} metadata`, 'a map', metadata);
        return { type, metadata } as Response;
      }
    }
  }

  // ------------------------------------------------------------------ framing

  #write(out: ChunkWriter, tag: number, fields: readonly unknown[]): void {
    out.beginMessage();
    try {
      this.#encoder.encodeStructInto(out.out, tag, fields);
    } catch (e) {
      out.abortMessage(); // a value that cannot be encoded leaves no half frame behind
      throw e;
    }
    out.endMessage();
  }
}

function responseSignature(msg: Response): number {
  switch (msg?.type) {
    case 'SUCCESS':
      return SIGNATURE.SUCCESS;
    case 'RECORD':
      return SIGNATURE.RECORD;
    case 'IGNORED':
      return SIGNATURE.IGNORED;
    case 'FAILURE':
      return SIGNATURE.FAILURE;
    default:
      throw new ProtocolError(
        'UNKNOWN_MESSAGE',
        `unknown response type ${JSON.stringify((msg as { type?: unknown })?.type)}`,
      );
  }
}

/** The struct header of a message body: its signature and field count. */
function header(body: Uint8Array, start = 0, end = body.length): { tag: number; count: number } {
  if (!(body instanceof Uint8Array)) throw new TypeError('a message body must be a Uint8Array');
  if (end - start < 2 || body[start] < 0xb0 || body[start] > 0xbf)
    throw new ProtocolError(
      'BAD_MESSAGE',
      `a message must be one structure (B0..BF, signature), got ${hex(body.subarray(start, Math.min(end, start + 8)))}${end - start > 8 ? ' …' : ''}`,
    );
  return { tag: body[start + 1], count: body[start] & 0x0f };
}

function toInt(mode: IntegerMode): (v: number | bigint) => number | bigint {
  if (mode === 'bigint') return (v) => BigInt(v);
  return (v) =>
    typeof v === 'bigint' && v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}
