import { type BackendOptions, Context } from './context.js';
import { BackendError } from './errors.js';
import { frameResponse, RequestReader, type TestkitRequest } from './framing.js';
import { HANDLERS } from './requests.js';

/**
 * One testkit connection, independent of how its bytes travel: `push()` what testkit sent, and
 * framed responses come out through `send`. Requests are handled concurrently (a managed
 * transaction's request stays open while testkit sends `TransactionRun`, `ResultNext`, ...), each
 * answered when its work is done.
 */
export class TestkitConnection {
  readonly context: Context;
  private readonly reader: RequestReader;

  constructor(
    private readonly send: (text: string) => void,
    private readonly options: BackendOptions = {},
  ) {
    this.context = new Context(options, (response) => this.send(frameResponse(response)));
    this.reader = new RequestReader(
      (request) => this.handle(request),
      (message) => this.context.write('BackendError', { msg: `bad request: ${message}` }),
    );
  }

  push(bytes: Uint8Array): void {
    this.reader.push(bytes);
  }

  /** testkit went away: fail pending callbacks, close the drivers. */
  close(): Promise<void> {
    return this.context.dispose();
  }

  private handle(request: TestkitRequest): void {
    const ctx = this.context;
    this.options.log?.(`> ${request.name}`);
    const handler = Object.hasOwn(HANDLERS, request.name) ? HANDLERS[request.name] : undefined;
    if (!handler) {
      ctx.writeError(new BackendError(`unknown request ${request.name}`));
      return;
    }
    try {
      const done = handler(ctx, request.data);
      if (done) done.catch((e) => ctx.writeError(e));
    } catch (e) {
      ctx.writeError(e);
    }
  }
}
