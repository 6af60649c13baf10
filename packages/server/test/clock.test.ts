// The server's clock option: every timeout and the times in summaries come from it.

import { ManualClock } from '@bolt/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { type BoltServer, type Clock, createServer } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const servers: BoltServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
});

const meta = (r: unknown) => (r as { metadata: Record<string, unknown> }).metadata;

describe('clock', () => {
  it('rejects a clock without now/setTimeout/clearTimeout', () => {
    const handler = { run: () => ({ fields: [] }) };
    expect(() => createServer({ handler, clock: {} as Clock })).toThrow(TypeError);
    expect(() =>
      createServer({ handler, clock: { now: () => 0, setTimeout: () => 0 } as unknown as Clock }),
    ).toThrow(/clearTimeout/);
  });

  it('measures t_first and t_last with it', async () => {
    const clock = new ManualClock();
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const server = createServer({
      clock,
      handler: {
        async run() {
          started();
          await new Promise<void>((r) => {
            release = r;
          });
          return {
            fields: ['x'],
            records: (function* () {
              yield [1];
              clock.advance(5); // the handler takes 5 ms for the rest of the result
              yield [2];
            })(),
          };
        },
      },
    });
    servers.push(server);
    const c = RawClient.overMemory(server);
    await c.login();
    c.send(
      { type: 'RUN', query: 'Q', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await running;
    clock.advance(7);
    release();
    const rs = await c.summaries(2);
    expect(meta(rs[0]).t_first).toBe(7);
    expect(meta(rs[3]).t_last).toBe(12);
  });
});
