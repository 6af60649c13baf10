/**
 * What every command shares: `--help` per command, exit status 64 for a usage mistake, and
 * colour only when the output is a terminal.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { painter } from '../src/output.js';
import { boltBinary, runBolt } from './support.js';

beforeAll(async () => {
  await boltBinary();
}, 60_000);

describe('bolt', () => {
  it('lists the commands on --help (exit 0) and without a command (exit 64)', async () => {
    const help = await runBolt(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['stub', 'proxy', 'query', 'shell']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    expect((await runBolt([])).code).toBe(64);
    const unknown = await runBolt(['frob']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('unknown command "frob"');
  });

  it.each([
    ['stub', 'Usage: bolt stub [options] SCRIPT'],
    ['proxy', 'Usage: bolt proxy --listen HOST:PORT --target HOST:PORT [options]'],
    ['query', 'Usage: bolt query URI "CYPHER" [options]'],
    ['shell', 'Usage: bolt shell URI [options]'],
  ])('bolt %s --help describes the command and its exit status', async (name, usage) => {
    const help = await runBolt([name, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.startsWith(usage)).toBe(true);
    expect(help.stdout).toContain('Exit status:');
  });

  it.each([
    ['stub', ['stub', '--frob', 'x.script']],
    ['proxy', ['proxy', '--listen', '127.0.0.1:1']],
    ['query', ['query', 'bolt://127.0.0.1:1']],
    ['shell', ['shell']],
  ])('bolt %s answers a usage mistake with exit 64 and a hint', async (name, args) => {
    const r = await runBolt(args);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`Run "bolt ${name} --help" for usage.`);
  });
});

describe('colour', () => {
  it('is used on a terminal only, and never with NO_COLOR', () => {
    const saved = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
    try {
      expect(painter({ isTTY: true })('red', 'x')).toBe('\x1b[31mx\x1b[0m');
      expect(painter({ isTTY: false })('red', 'x')).toBe('x');
      expect(painter({})('red', 'x')).toBe('x');
      process.env.NO_COLOR = '';
      expect(painter({ isTTY: true })('red', 'x')).toBe('x');
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });
});
