/**
 * The Python subset of stub scripts: what testkit's `PY:` and `IF:` lines use, with Python's
 * meaning, and a clear refusal of everything else.
 */
import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  compileStatements,
  PyError,
  PyScope,
  PySyntaxError,
  type PyValue,
} from '../../src/script/python.js';

const evaluate = (source: string, scope = new PyScope()): PyValue =>
  compileExpression(source)(scope);

describe('Python statements', () => {
  it('assigns, counts and keeps variables in the scope', () => {
    const scope = new PyScope();
    compileStatements('request = 0')(scope);
    compileStatements('request += 1; request += 1')(scope);
    compileStatements('connection_count = request * 10 - 5')(scope);
    expect(scope.get('request')).toBe(2n);
    expect(scope.get('connection_count')).toBe(15n);
    compileStatements('request //= 2')(scope);
    expect(scope.get('request')).toBe(1n);
  });

  it('fails on a name that was never set, as Python does', () => {
    expect(() => compileStatements('n += 1')(new PyScope())).toThrow(PyError);
    expect(() => compileStatements('n += 1')(new PyScope())).toThrow("name 'n' is not defined");
  });
});

describe('Python expressions', () => {
  const scope = new PyScope();
  compileStatements('request = 1; name = "adb"; flag = False')(scope);

  it.each([
    ['request == 1', true],
    ['request == 1.0', true],
    ['request != 1', false],
    ['request < 2', true],
    ['0 <= request < 1', false],
    ['1 <= request < 2', true],
    ['not flag', true],
    ['flag or request', 1n],
    ['flag and request', false],
    ["name == 'adb'", true],
    ["'''\"principal\": \"a\"''' == '''\"principal\": \"a\"'''", true],
    ["'a' 'b' == 'ab'", true],
    ["'d' in name", true],
    ['request in [1, 2]', true],
    ['request not in [1, 2]', false],
    ['True', true],
    ['None is None', true],
    ['7 // 2', 3n],
    ['-7 // 2', -4n],
    ['-7 % 2', 1n],
    ['7 / 2', 3.5],
    ['True + 1', 2n],
    ['-(request + 1)', -2n],
    ['2 ** 0 if True else 1', 'refused'],
  ])('%s', (source, expected) => {
    if (expected === 'refused') {
      expect(() => compileExpression(source)).toThrow(PySyntaxError);
      return;
    }
    expect(evaluate(source, scope)).toEqual(expected);
  });

  it('never changes the scope', () => {
    expect(() => compileExpression('request = 2')).toThrow(PySyntaxError);
    expect(scope.get('request')).toBe(1n);
  });

  it('raises TypeError-like failures for mixed types', () => {
    expect(() => evaluate("1 < 'a'")).toThrow(
      "'<' not supported between instances of 'int' and 'str'",
    );
    expect(() => evaluate("'a' + 1")).toThrow('unsupported operand type(s) for +');
    expect(() => evaluate('1 // 0')).toThrow('integer division or modulo by zero');
  });

  it.each([
    ['import os', '"import" is not supported'],
    ['__import__("os")', 'calls ("__import__(...)") are not supported'],
    ['x.y', 'attributes ("x.…") are not supported'],
    ['lambda: 1', '"lambda" is not supported'],
    ['{1: 2}', 'expected a value, got "{"'],
    ['a[0]', 'indexing ("a[...]") is not supported'],
    ['(1, 2)', 'tuples are not supported'],
    ['"unterminated', 'unterminated string'],
    ['1 $ 2', 'unexpected character "$"'],
  ])('refuses %s', (source, message) => {
    const compile = () => compileStatements(source);
    expect(compile).toThrow(PySyntaxError);
    expect(compile).toThrow(message);
  });
});
