/**
 * Hostile input: random script text only ever yields a script or a ScriptSyntaxError, and
 * random client bytes only ever yield a ScriptFailure verdict (never a crash or a hang).
 */
import { memoryPair } from '@bolt/net-adapters';
import { encodeClientHandshake } from '@bolt/parser';
import { parseScript, ScriptFailure, ScriptPlayer, ScriptSyntaxError } from '@bolt/server/script';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const tokens = [
  '!: BOLT 4.4',
  '!: BOLT 5.0',
  '!: AUTO RESET',
  '!: ALLOW RESTART',
  'C: RUN "q" {} {}',
  'C: PULL {"n": {"Z": "*"}}',
  'C: RESET',
  'S: SUCCESS {"fields": ["n"]}',
  'S: RECORD [1, {"T": "2022-06-07"}]',
  'S: <EXIT>',
  'S: <RAW> 00 00',
  '   RECORD [2]',
  'A: HELLO {"{}": "*"}',
  '*: RESET',
  '?: GOODBYE',
  '+: RESET',
  '{{',
  '----',
  '}}',
  '{?',
  '?}',
  '{*',
  '*}',
  '{+',
  '+}',
  '# comment',
  '',
];

function parseOutcome(text: string): 'ok' | 'syntax' {
  try {
    parseScript(text);
    return 'ok';
  } catch (e) {
    if (ScriptSyntaxError.isInstance(e)) return 'syntax';
    throw e;
  }
}

describe('script parser on random input', () => {
  it('returns a script or throws ScriptSyntaxError for any arrangement of lines', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 30 }), (lines) => {
        expect(['ok', 'syntax']).toContain(parseOutcome(lines.join('\n')));
      }),
      { numRuns: 500 },
    );
  });

  it('returns a script or throws ScriptSyntaxError for any message fields', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.boolean(), (fields, client) => {
        const line = client ? `C: RUN ${fields}` : `C: RESET\nS: SUCCESS ${fields}`;
        expect(['ok', 'syntax']).toContain(parseOutcome(`!: BOLT 5.0\n${line}\n`));
      }),
      { numRuns: 1000 },
    );
  });

  it('returns a script or throws ScriptSyntaxError for typed values with random content', () => {
    const sigils = ['Z', 'R', 'U', '?', '#', '[]', '{}', 'T', '@', '()', '->', '<-', '..'];
    fc.assert(
      fc.property(fc.constantFrom(...sigils), fc.json({ maxDepth: 2 }), (sigil, content) => {
        const text = `!: BOLT 4.4\nC: RUN {${JSON.stringify(sigil)}: ${content}}\n`;
        expect(['ok', 'syntax']).toContain(parseOutcome(text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('script player on random client bytes', () => {
  it('judges garbage after the handshake as a ScriptFailure', async () => {
    const script = parseScript('!: BOLT 4.4\nA: HELLO {"{}": "*"}\nC: GOODBYE\n');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (garbage) => {
        const player = new ScriptPlayer(script, { idleTimeoutMs: 50 });
        const [client, server] = memoryPair();
        client.receive({ onData: () => {}, onEnd: () => {} });
        player.accept(server);
        client.write(encodeClientHandshake([{ major: 4, minor: 4 }]));
        client.write(garbage);
        client.end();
        const verdict = await player.finish({ timeoutMs: 500 }).then(
          () => undefined,
          (e: unknown) => e,
        );
        client.destroy();
        expect(ScriptFailure.isInstance(verdict)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
