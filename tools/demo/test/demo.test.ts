import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without type declarations
import { runDemo } from '../src/demo.mjs';

describe('the README demo', () => {
  it('runs the whole dialogue against the embedded server', async () => {
    const lines: string[] = [];
    const facts = await runDemo({ out: (l: string) => lines.push(l), env: {} });
    const text = lines.join('\n');

    // Part 1: the raw connection shows the wire and every step of the dialogue.
    expect(facts.version).toMatch(/^\d+\.\d+$/);
    expect(facts.server).toBe('BoltDemo/0.1.0');
    expect(text).toMatch(/C: HELLO/);
    expect(text).toMatch(/C: RUN "RETURN 1 AS num"/);
    expect(text).not.toMatch(/password/); // credentials are redacted in the wire log
    expect(facts.returnOne).toBe(1);
    expect(facts.pipelined).toEqual([1, 1]);
    expect(facts.errorCode).toBe('Neo.ClientError.Statement.SyntaxError');
    expect(text).toMatch(/C: RESET/);
    expect(facts.stats).toEqual({ 'nodes-created': 1 });
    expect(facts.planRoot).toBe('ProduceResults');
    expect(facts.notifications).toEqual([
      'Neo.ClientNotification.Statement.CartesianProductWarning',
    ]);
    expect(facts.nodes).toBe(4); // three people + the created node

    // Part 2: the driver API.
    expect(facts.streamedSum).toBe((2500 * 2501) / 2);
    expect(facts.knows).toBe(2);
    // the commit hook's bookmark reached the session
    expect(facts.bookmarks).toEqual([expect.stringMatching(/^FB:demo:\d+$/)]);

    // Part 3: the official driver sees the same data and the same error code.
    expect(facts.officialNodes).toBe(5); // + the node executeWrite created
    expect(facts.officialErrorCode).toBe('Neo.ClientError.Statement.SyntaxError');
  });
});
