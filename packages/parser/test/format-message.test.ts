import { describe, expect, it } from 'vitest';
import { formatMessage, LOG_FORMAT } from '../src/internal.js';

describe('formatMessage', () => {
  it('hides credentials, passwords, tokens and tickets at any depth, in any case', () => {
    const line = formatMessage({
      type: 'RUN',
      query: 'RETURN 1',
      parameters: { nested: { Password: 'p1', token: 't1', TICKET: 'k1' }, ok: 'shown' },
      extra: {},
    });
    expect(line).not.toMatch(/p1|t1|k1/);
    expect(line).toContain('"ok":"shown"');
    expect(
      formatMessage(
        { type: 'RUN', query: 'x', parameters: { token: 't1' }, extra: {} },
        { redact: false },
      ),
    ).toContain('t1');
  });

  it("hides a custom auth token's parameters in INIT, HELLO and LOGON, and only there", () => {
    const token = {
      scheme: 'sso',
      principal: 'alice',
      credentials: 'c1',
      parameters: { claim: 's1' },
    };
    const lines = [
      formatMessage({ type: 'INIT', userAgent: 'ua/1', authToken: token }),
      formatMessage({ type: 'HELLO', extra: { user_agent: 'ua/1', ...token } }),
      formatMessage({ type: 'LOGON', auth: token }),
    ];
    for (const line of lines) {
      expect(line).not.toMatch(/c1|s1/);
      expect(line).toContain('"principal":"alice"');
      expect(line).toContain('"parameters":"******"');
    }
    // a query parameter map called `parameters` is user data, not a secret
    const run = formatMessage({
      type: 'RUN',
      query: 'x',
      parameters: { parameters: { a: 1 } },
      extra: {},
    });
    expect(run).toContain('"parameters":{"a":1}');
  });

  it('bounds log lines with LOG_FORMAT: strings, lists, maps, bytes and depth', () => {
    const long = formatMessage(
      { type: 'RUN', query: 'x'.repeat(500), parameters: {}, extra: {} },
      LOG_FORMAT,
    );
    expect(long).toContain(`"${'x'.repeat(200)}…"`);
    expect(long.length).toBeLessThan(260);
    const list = formatMessage(
      { type: 'RECORD', fields: [Array.from({ length: 50 }, (_, i) => i)] },
      LOG_FORMAT,
    );
    expect(list).toMatch(/,19,… 30 more\]/);
    const map = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
    expect(formatMessage({ type: 'SUCCESS', metadata: map }, LOG_FORMAT)).toMatch(
      /"k19":19,… 10 more\}/,
    );
    const bytes = formatMessage({ type: 'RECORD', fields: [new Uint8Array(100)] }, LOG_FORMAT);
    expect(bytes).toContain(`#${'00'.repeat(20)}…(100 bytes)`);
    let deep: unknown = 1;
    for (let i = 0; i < 10; i++) deep = [deep];
    expect(formatMessage({ type: 'RECORD', fields: [deep] }, LOG_FORMAT)).toContain('…');
    // without options nothing is cut
    expect(formatMessage({ type: 'RECORD', fields: [new Uint8Array(100)] })).toContain(
      `#${'00'.repeat(100)}`,
    );
  });
});
