// What the seeded tests of hostile clients (damaged bytes, strange values) check of the server
// after each conversation, and once at the end.
import { Dechunker } from '@bolt/chunking';
import { type BoltVersion, MessageCodec, type Request } from '@bolt/parser';
import { expect } from 'vitest';
import { type BoltServer, createServer } from '../../src/index.js';
import { demoHandler, PASSWORD } from './demo-handler.js';
import { RawClient } from './raw-client.js';
import type { rawPair } from './raw-pair.js';

/** A server on the demo handler, and the internal errors it logs (none is expected). */
export function serverLoggingErrors(): { server: BoltServer; errors: string[] } {
  const errors: string[] = [];
  const server = createServer({
    handler: demoHandler(),
    logger: {
      error: (message, error) =>
        errors.push(`${message}: ${error instanceof Error ? error.stack : String(error)}`),
    },
  });
  return { server, errors };
}

/** The requests that log in at `version` as the demo handler's user: HELLO with the
 *  credentials up to 5.0, HELLO (with a routing context) and LOGON from 5.1, `bolt_agent` from 5.3. */
export function loginRequests(version: BoltVersion): Request[] {
  const auth = { scheme: 'basic', principal: 'neo4j', credentials: PASSWORD };
  const agent =
    version.major > 5 || (version.major === 5 && version.minor >= 3)
      ? { user_agent: 'x/1', bolt_agent: { product: 'x/1' } }
      : { user_agent: 'x/1' };
  if (version.major > 5 || (version.major === 5 && version.minor >= 1))
    return [
      { type: 'HELLO', extra: { ...agent, routing: { address: 'h:1' } } },
      { type: 'LOGON', auth },
    ];
  return [{ type: 'HELLO', extra: { ...agent, ...auth } }];
}

/** Lets the memory transports and the server run until `done()` holds: a few thousand turns of
 *  the event loop, then at most 2 s. */
export async function settle(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setImmediate(r));
  const deadline = Date.now() + 2000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what} within 2 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The messages the server sent after its 4-byte version answer, by type. Throws when a byte of
 * it is not well-formed Bolt, when a FAILURE has no string code and message, and when the last
 * message is unfinished (unless `cut`: the client reset the connection in the middle).
 */
function decodeAnswers(version: BoltVersion, bytes: number[], cut = false): string[] {
  const codec = new MessageCodec({ version, integers: 'auto' });
  const types: string[] = [];
  const dechunker = new Dechunker({
    onMessage: (body) => {
      const m = codec.decodeResponse(body);
      if (m.type === 'FAILURE') {
        const md = m.metadata as Record<string, unknown>;
        if (typeof (md.neo4j_code ?? md.code) !== 'string' || typeof md.message !== 'string')
          throw new Error(`a FAILURE without a code and message: ${JSON.stringify(md)}`);
      }
      types.push(m.type);
    },
  });
  dechunker.push(Uint8Array.from(bytes.slice(4)));
  if (!cut && !dechunker.idle) throw new Error('the last message is unfinished');
  return types;
}

/**
 * After the client left (ended or reset `c`): the server closes the connection and stops
 * counting it; returns the messages it sent (`decodeAnswers`), with the case named in any
 * failure. A damaged or strange parameter may ask for an endless result (`UNWIND range(1, 2^53)`),
 * which the server streams as asked: past 1 MiB the client resets the connection (`cut`).
 */
export async function closedAndAnswered(
  server: BoltServer,
  c: ReturnType<typeof rawPair>,
  version: BoltVersion,
  what: string,
): Promise<string[]> {
  let cut = false;
  await settle(() => {
    if (!cut && c.received.length > 1 << 20) {
      cut = true;
      c.client.destroy();
    }
    return c.state.ended;
  }, `${what}: the server did not close the connection`);
  await settle(() => server.connections === 0, `${what}: the server still counts it`);
  try {
    return decodeAnswers(version, c.received, cut);
  } catch (e) {
    throw new Error(`${what}: the server sent malformed bytes: ${e}`);
  }
}

/** A well-behaved client logs in and runs a query as if nothing had happened; it is then the
 *  server's only connection. */
export async function expectServesAHealthyClient(server: BoltServer): Promise<void> {
  const healthy = RawClient.overMemory(server);
  await healthy.login('neo4j', PASSWORD);
  healthy.send(
    { type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} },
    { type: 'PULL', extra: { n: -1 } },
  );
  const rs = await healthy.summaries(2);
  expect(rs.map((r) => r.type)).toEqual(['SUCCESS', 'RECORD', 'SUCCESS']);
  expect(server.connections).toBe(1);
  healthy.close();
}
