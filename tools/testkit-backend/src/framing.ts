import { parseJson, stringifyJson } from './json.js';

/** A request from testkit: `{ name, data }`. */
export interface TestkitRequest {
  name: string;
  data: Record<string, any>;
}

/** A response to testkit: `{ name, data }`. */
export interface TestkitResponse {
  name: string;
  data: Record<string, unknown> | null;
}

/** Longest request accepted, in characters (testkit's biggest are a few KiB of parameters). */
const MAX_REQUEST_CHARS = 16 * 1024 * 1024;

/**
 * testkit's framing, one request at a time:
 *
 * ```
 * #request begin
 * {"name": "NewDriver", "data": {...}}
 * #request end
 * ```
 *
 * Bytes are fed as they arrive (split anywhere); each complete request goes to `onRequest`,
 * a malformed one to `onError` (the stream goes on with the next `#request begin`).
 */
export class RequestReader {
  private pending = '';
  private body: string[] | undefined;
  private bodyChars = 0;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly onRequest: (request: TestkitRequest) => void,
    private readonly onError: (message: string) => void,
  ) {}

  push(bytes: Uint8Array): void {
    this.pending += this.decoder.decode(bytes, { stream: true });
    let nl = this.pending.indexOf('\n');
    while (nl >= 0) {
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      this.line(line);
      nl = this.pending.indexOf('\n');
    }
    if (this.pending.length > MAX_REQUEST_CHARS) {
      this.pending = '';
      this.body = undefined;
      this.onError(`a line longer than ${MAX_REQUEST_CHARS} characters was dropped`);
    }
  }

  private line(line: string): void {
    if (line === '#request begin') {
      if (this.body) this.onError('#request begin inside a request: the earlier one is dropped');
      this.body = [];
      this.bodyChars = 0;
      return;
    }
    if (line === '#request end') {
      const body = this.body;
      this.body = undefined;
      if (body) this.emit(body.join(''));
      else this.onError('#request end without #request begin');
      return;
    }
    if (!this.body) {
      if (line.trim() !== '') this.onError(`text outside a request: ${line.slice(0, 80)}`);
      return;
    }
    this.bodyChars += line.length;
    if (this.bodyChars > MAX_REQUEST_CHARS) {
      this.body = undefined;
      this.onError(`a request longer than ${MAX_REQUEST_CHARS} characters was dropped`);
      return;
    }
    this.body.push(line);
  }

  private emit(text: string): void {
    let parsed: unknown;
    try {
      parsed = parseJson(text);
    } catch (e) {
      this.onError((e as Error).message);
      return;
    }
    const r = parsed as { name?: unknown; data?: unknown };
    if (typeof parsed !== 'object' || parsed === null || typeof r.name !== 'string') {
      this.onError('a request must be an object with a string "name"');
      return;
    }
    const data = typeof r.data === 'object' && r.data !== null ? r.data : {};
    this.onRequest({ name: r.name, data: data as Record<string, any> });
  }
}

/** A response in testkit's framing. */
export function frameResponse(response: TestkitResponse): string {
  return `#response begin\n${stringifyJson(response)}\n#response end\n`;
}
