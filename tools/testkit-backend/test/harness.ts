import { memoryNetwork, type Recorded, recording } from '@bolt/net-adapters';
import { type BoltServer, createServer, type Handler } from '@bolt/server';
import type { TestkitResponse } from '../src/framing.js';
import { parseJson, stringifyJson } from '../src/json.js';
import { TestkitConnection } from '../src/testkit-connection.js';

/**
 * A testkit stand-in: frames requests into a `TestkitConnection` exactly as testkit does and
 * parses its framed responses, with the drivers reaching a `@bolt/server` on an in-memory
 * network (`bolt://memory:7687`).
 */
export class Harness {
  readonly server: BoltServer;
  readonly conn: TestkitConnection;
  readonly uri: string;
  /** Every byte the backend's drivers write and read. */
  readonly recorder: Recorded<ReturnType<typeof memoryNetwork>['module']>;
  private text = '';
  private readonly responses: TestkitResponse[] = [];
  private readonly waiters: ((r: TestkitResponse) => void)[] = [];

  private constructor(server: BoltServer, port: number, net: ReturnType<typeof memoryNetwork>) {
    this.server = server;
    this.uri = `bolt://memory:${port}`;
    this.recorder = recording(net.module);
    this.conn = new TestkitConnection((t) => this.receive(t), { netModule: this.recorder });
  }

  static async start(
    handler: Handler,
    agent = 'Neo4j/5.26.0',
    versions?: string[],
  ): Promise<Harness> {
    const net = memoryNetwork();
    const server = createServer({ handler, agent, integers: 'bigint', versions });
    const listener = await server.listen(net.listener, { port: 0 });
    return new Harness(server, listener.address.port, net);
  }

  /** Send one request, framed as testkit frames it (split into small pieces on purpose). */
  send(name: string, data: Record<string, unknown> = {}): void {
    const bytes = new TextEncoder().encode(
      `#request begin\n${stringifyJson({ name, data })}\n#request end\n`,
    );
    for (let i = 0; i < bytes.length; i += 7) this.conn.push(bytes.subarray(i, i + 7));
  }

  /** The next response (in the order the backend wrote them). */
  next(): Promise<TestkitResponse> {
    const r = this.responses.shift();
    if (r) return Promise.resolve(r);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async request(name: string, data: Record<string, unknown> = {}): Promise<TestkitResponse> {
    this.send(name, data);
    return this.next();
  }

  /** Request and expect a response of that name; returns its data. */
  async expect(
    name: string,
    data: Record<string, unknown>,
    responseName: string,
  ): Promise<Record<string, any>> {
    const r = await this.request(name, data);
    if (r.name !== responseName)
      throw new Error(`${name}: expected ${responseName}, got ${stringifyJson(r)}`);
    return r.data ?? {};
  }

  async close(): Promise<void> {
    await this.conn.close();
    await this.server.close({ graceMs: 0 });
  }

  private receive(text: string): void {
    this.text += text;
    for (;;) {
      const end = this.text.indexOf('#response end\n');
      if (end < 0) return;
      const frame = this.text.slice(0, end);
      this.text = this.text.slice(end + '#response end\n'.length);
      const body = frame.replace(/^#response begin\n/, '').trim();
      const r = parseJson(body) as TestkitResponse;
      const w = this.waiters.shift();
      if (w) w(r);
      else this.responses.push(r);
    }
  }
}

export const basicAuth = {
  name: 'AuthorizationToken',
  data: { scheme: 'basic', principal: 'neo4j', credentials: 'pass', realm: null },
};

export const cypher = (name: string, value: unknown) => ({ name, data: { value } });
