import { PackStreamError } from './packstream-error';

// The errors of decoding and checking, in one place so both say the same thing. Each returns the
// error for the caller to throw; offsets are absolute offsets in the caller's input.

export function hex(m: number): string {
  return m.toString(16).toUpperCase().padStart(2, '0');
}

/** The input ended at `end` where `what` was expected at `at`. */
export function truncated(at: number, what: string, end: number): PackStreamError {
  return new PackStreamError(
    'TRUNCATED',
    `expected ${what} at offset ${at}, but the input ends at offset ${end}`,
    at,
  );
}

/** `n` bytes were needed from `pos` for the value at `start`; only `left` remain. */
export function tooFewBytes(
  n: number,
  pos: number,
  start: number,
  what: string,
  left: number,
): PackStreamError {
  return new PackStreamError(
    'TRUNCATED',
    `expected ${what} (${n} byte(s) from offset ${pos}) for the value at offset ${start}, but only ${left} remain`,
    start,
  );
}

export function trailing(pos: number, left: number): PackStreamError {
  return new PackStreamError(
    'TRAILING_BYTES',
    `expected the value to end at offset ${pos}, but ${left} more byte(s) follow`,
    pos,
  );
}

export function reserved(m: number, pos: number): PackStreamError {
  return new PackStreamError(
    'RESERVED_MARKER',
    `marker ${hex(m)} at offset ${pos} is reserved in PackStream v1`,
    pos,
  );
}

/** `what` ("list of 5 items") at `start` is over the option `option` = `max`. */
export function overLimit(what: string, start: number, option: string, max: number) {
  return new PackStreamError(
    'LIMIT_EXCEEDED',
    `${what} at offset ${start} exceeds ${option} ${max}`,
    start,
  );
}

export function tooDeep(start: number, maxDepth: number): PackStreamError {
  return new PackStreamError(
    'LIMIT_EXCEEDED',
    `value at offset ${start} nests deeper than maxDepth ${maxDepth}`,
    start,
  );
}

export function invalidUtf8(start: number): PackStreamError {
  return new PackStreamError(
    'INVALID_UTF8',
    `the string at offset ${start} is not valid UTF-8`,
    start,
  );
}

export function invalidMapKey(m: number, pos: number): PackStreamError {
  return new PackStreamError(
    'INVALID_MAP_KEY',
    `expected a string map key at offset ${pos}, got marker ${hex(m)}`,
    pos,
  );
}

export function uuidNotAllowed(start: number): PackStreamError {
  return new PackStreamError(
    'UNSUPPORTED_IN_VERSION',
    `marker E0 (UUID) at offset ${start} needs Bolt 6.1 or later`,
    start,
  );
}

export function fieldCount(
  tag: number,
  start: number,
  n: number,
  counts: readonly number[],
): PackStreamError {
  return new PackStreamError(
    'INVALID_STRUCT',
    `structure 0x${hex(tag)} at offset ${start} has ${n} fields, expected ${counts.join(' or ')}`,
    start,
  );
}

export function hydrationFailed(tag: number, start: number, e: unknown): PackStreamError {
  const detail = e instanceof Error ? e.message : String(e);
  return new PackStreamError(
    'INVALID_STRUCT',
    `structure 0x${hex(tag)} at offset ${start}: ${detail}`,
    start,
    { cause: e },
  );
}

/** Validate the input range of a decode or check call. */
export function checkInput(bytes: Uint8Array, offset: number, end: number, max: number): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decode() needs a Uint8Array');
  if (!(offset >= 0 && end <= bytes.length && offset <= end)) {
    throw new RangeError(`invalid range [${offset}, ${end}) for ${bytes.length} bytes`);
  }
  if (end - offset > max) {
    throw new PackStreamError(
      'LIMIT_EXCEEDED',
      `input of ${end - offset} bytes exceeds maxMessageBytes ${max}`,
      offset,
    );
  }
}
