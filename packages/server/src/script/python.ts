/**
 * The Python of stub scripts, and no more: testkit's scripts keep counters and flags in `PY:`
 * lines (`request = 0`, `request += 1`, `connection_count += 1`) and test them in `IF:` lines
 * (`request == 1`, `request < 2`, `'''a''' == '''b'''`, `True`). This module compiles that
 * subset into closures; anything else is refused when the script is parsed, naming the
 * construct. It never runs host code: names live in a {@link PyScope}, not in JS.
 *
 * Statements: `name = expr`, `name += expr` (and `-=`, `*=`, `//=`, `%=`), several joined by
 * `;`. Expressions: integers (exact), floats, strings (`'…'`, `"…"`, `'''…'''`, `"""…"""`,
 * adjacent ones joined), `True`/`False`/`None`, names, `( )`, `[a, b]` lists, unary `-`/`+`/
 * `not`, `* / // % + -`, comparisons `== != < <= > >= in not in is is not` (chained as in
 * Python), `and`/`or` (short-circuit, returning an operand).
 */

/** A Python value: int (`bigint`), float, str, bool, None (`null`) or list. */
export type PyValue = bigint | number | string | boolean | null | PyValue[];

/** The variables of a script, shared by all its connections (as testkit's stub does). */
export class PyScope {
  private readonly vars = new Map<string, PyValue>();

  get(name: string): PyValue {
    if (!this.vars.has(name)) throw new PyError(`name '${name}' is not defined`);
    return this.vars.get(name) as PyValue;
  }

  set(name: string, value: PyValue): void {
    this.vars.set(name, value);
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }
}

/** A failure while evaluating (Python's NameError, TypeError, ZeroDivisionError). */
export class PyError extends Error {
  override name = 'PyError';
}

/** A construct outside the subset; thrown by the compile functions. */
export class PySyntaxError extends Error {
  override name = 'PySyntaxError';
}

type Expr = (scope: PyScope) => PyValue;
/** A compiled statement list: run it against a scope. */
export type PyStatements = (scope: PyScope) => void;
/** A compiled expression: evaluate it against a scope (it never changes the scope). */
export type PyExpression = Expr;

/** Compile `PY:` / `!: PY` text. Throws {@link PySyntaxError}. */
export function compileStatements(source: string): PyStatements {
  const p = new PyParser(tokenize(source));
  const statements: PyStatements[] = [];
  do {
    if (p.atEnd()) break;
    statements.push(p.statement());
  } while (p.eat(';'));
  p.expectEnd();
  if (statements.length === 0) throw new PySyntaxError('empty Python line');
  return (scope) => {
    for (const s of statements) s(scope);
  };
}

/** Compile an `IF:`/`ELIF:` condition. Throws {@link PySyntaxError}. */
export function compileExpression(source: string): PyExpression {
  const p = new PyParser(tokenize(source));
  const e = p.expression();
  p.expectEnd();
  return e;
}

/** Python's truth value. */
export function truthy(v: PyValue): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return v !== null && v !== false && v !== 0 && v !== 0n && v !== '';
}

// ---------------------------------------------------------------------------------------------
// tokens

type Token =
  | { kind: 'num'; value: bigint | number; text: string }
  | { kind: 'str'; value: string; text: string }
  | { kind: 'name'; value: string; text: string }
  | { kind: 'op'; value: string; text: string };

const OPERATORS = [
  '//=',
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '+=',
  '-=',
  '*=',
  '%=',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  '[',
  ']',
  ',',
  ';',
  // not part of the subset, read only to name what is refused
  '.',
  ':',
  '{',
  '}',
];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#') break; // a comment runs to the end of the line
    const num =
      /^(?:\d[\d_]*\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d[\d_]*[eE][+-]?\d+|\d[\d_]*)/.exec(
        src.slice(i),
      );
    if (num) {
      const text = num[0];
      const clean = text.replace(/_/g, '');
      const isFloat = /[.eE]/.test(clean);
      if (!isFloat && /^0\d/.test(clean)) throw new PySyntaxError(`leading zeros in "${text}"`);
      out.push({ kind: 'num', value: isFloat ? Number(clean) : BigInt(clean), text });
      i += text.length;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = src.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      let value = '';
      for (;;) {
        if (j >= src.length) throw new PySyntaxError('unterminated string');
        if (src.startsWith(quote, j)) break;
        const ch = src[j];
        if (ch === '\\') {
          const e = src[j + 1];
          const escapes: Record<string, string> = {
            n: '\n',
            t: '\t',
            r: '\r',
            '\\': '\\',
            "'": "'",
            '"': '"',
            '0': '\0',
          };
          value += escapes[e] ?? `\\${e ?? ''}`;
          j += 2;
          continue;
        }
        value += ch;
        j++;
      }
      j += quote.length;
      out.push({ kind: 'str', value, text: src.slice(i, j) });
      i = j;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ kind: 'name', value: name[0], text: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new PySyntaxError(`unexpected character "${c}"`);
    if (op === '**') throw new PySyntaxError('"**" is not supported');
    out.push({ kind: 'op', value: op, text: op });
    i += op.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// parser

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'is',
  'True',
  'False',
  'None',
  'if',
  'else',
  'lambda',
  'import',
  'from',
  'def',
  'class',
  'del',
  'global',
  'nonlocal',
  'for',
  'while',
  'return',
  'yield',
  'with',
  'as',
  'assert',
  'raise',
  'try',
  'except',
  'finally',
  'pass',
  'break',
  'continue',
  'async',
  'await',
]);

const COMPARISONS = ['==', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'is', 'is not'];

class PyParser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private isOp(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.kind === 'op' && t.value === value;
  }

  private isWord(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.kind === 'name' && t.value === value;
  }

  eat(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.pos++;
    return true;
  }

  private expect(op: string): void {
    if (!this.eat(op)) this.unexpected(`expected "${op}"`);
  }

  expectEnd(): void {
    if (!this.atEnd()) this.unexpected('expected the end of the line');
  }

  private unexpected(what: string): never {
    const t = this.peek();
    throw new PySyntaxError(`${what}, got ${t ? `"${t.text}"` : 'the end of the line'}`);
  }

  statement(): PyStatements {
    const target = this.peek();
    const assign = this.peek(1);
    if (target?.kind === 'name' && !KEYWORDS.has(target.value) && assign?.kind === 'op') {
      const op = assign.value;
      if (op === '=' || (op.endsWith('=') && op.length >= 2 && !COMPARISONS.includes(op))) {
        this.pos += 2;
        const value = this.expression();
        const name = target.value;
        if (op === '=') return (scope) => scope.set(name, value(scope));
        const binop = op.slice(0, -1);
        return (scope) => scope.set(name, arithmetic(binop, scope.get(name), value(scope)));
      }
    }
    const t = this.peek();
    if (
      t?.kind === 'name' &&
      KEYWORDS.has(t.value) &&
      !['not', 'True', 'False', 'None'].includes(t.value)
    ) {
      throw new PySyntaxError(`"${t.value}" is not supported`);
    }
    const e = this.expression();
    return (scope) => {
      e(scope);
    };
  }

  expression(): Expr {
    const e = this.or();
    if (this.isWord('if') || this.isWord('for') || this.isWord('lambda')) {
      throw new PySyntaxError(`"${this.peek()?.text}" expressions are not supported`);
    }
    return e;
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      this.pos++;
      const [a, b] = [left, this.and()];
      left = (s) => {
        const v = a(s);
        return truthy(v) ? v : b(s);
      };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isWord('and')) {
      this.pos++;
      const [a, b] = [left, this.not()];
      left = (s) => {
        const v = a(s);
        return truthy(v) ? b(s) : v;
      };
    }
    return left;
  }

  private not(): Expr {
    if (this.isWord('not')) {
      this.pos++;
      const e = this.not();
      return (s) => !truthy(e(s));
    }
    return this.comparison();
  }

  private comparisonOp(): string | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === 'op' && COMPARISONS.includes(t.value)) {
      this.pos++;
      return t.value;
    }
    if (this.isWord('in')) {
      this.pos++;
      return 'in';
    }
    if (this.isWord('not') && this.isWord('in', 1)) {
      this.pos += 2;
      return 'not in';
    }
    if (this.isWord('is')) {
      this.pos++;
      if (this.isWord('not')) {
        this.pos++;
        return 'is not';
      }
      return 'is';
    }
    return undefined;
  }

  private comparison(): Expr {
    const first = this.arith();
    const ops: string[] = [];
    const operands: Expr[] = [first];
    for (let op = this.comparisonOp(); op; op = this.comparisonOp()) {
      ops.push(op);
      operands.push(this.arith());
    }
    if (ops.length === 0) return first;
    // a < b < c is (a < b) and (b < c), each operand evaluated once
    return (s) => {
      let left = operands[0](s);
      for (let k = 0; k < ops.length; k++) {
        const right = operands[k + 1](s);
        if (!compare(ops[k], left, right)) return false;
        left = right;
      }
      return true;
    };
  }

  private arith(): Expr {
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.peek() as Token).value as string;
      this.pos++;
      const [a, b] = [left, this.term()];
      left = (s) => arithmetic(op, a(s), b(s));
    }
    return left;
  }

  private term(): Expr {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const op = (this.peek() as Token).value as string;
      this.pos++;
      const [a, b] = [left, this.unary()];
      left = (s) => arithmetic(op, a(s), b(s));
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const op = (this.peek() as Token).value as string;
      this.pos++;
      const e = this.unary();
      return (s) => arithmetic(op === '-' ? '*' : '+', op === '-' ? -1n : 0n, e(s), true);
    }
    return this.atom();
  }

  private atom(): Expr {
    const t = this.peek();
    if (!t) this.unexpected('expected a value');
    this.pos++;
    if (t.kind === 'num') {
      const v = t.value;
      return () => v;
    }
    if (t.kind === 'str') {
      let v = t.value;
      while (this.peek()?.kind === 'str') v += (this.tokens[this.pos++] as Token).value;
      return () => v;
    }
    if (t.kind === 'name') {
      if (t.value === 'True') return () => true;
      if (t.value === 'False') return () => false;
      if (t.value === 'None') return () => null;
      if (KEYWORDS.has(t.value)) throw new PySyntaxError(`"${t.value}" is not supported here`);
      if (this.isOp('(')) throw new PySyntaxError(`calls ("${t.value}(...)") are not supported`);
      if (this.isOp('[')) throw new PySyntaxError(`indexing ("${t.value}[...]") is not supported`);
      if (this.isOp('.')) throw new PySyntaxError(`attributes ("${t.value}.…") are not supported`);
      const name = t.value;
      return (s) => s.get(name);
    }
    if (t.value === '(') {
      const e = this.expression();
      if (this.isOp(',')) throw new PySyntaxError('tuples are not supported');
      this.expect(')');
      return e;
    }
    if (t.value === '[') {
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        items.push(this.expression());
        if (!this.eat(',')) break;
      }
      this.expect(']');
      return (s) => items.map((e) => e(s));
    }
    this.pos--;
    return this.unexpected('expected a value');
  }
}

// ---------------------------------------------------------------------------------------------
// semantics

const typeName = (v: PyValue): string =>
  v === null
    ? 'NoneType'
    : Array.isArray(v)
      ? 'list'
      : typeof v === 'bigint'
        ? 'int'
        : typeof v === 'number'
          ? 'float'
          : typeof v === 'string'
            ? 'str'
            : 'bool';

/** bool is an int in Python; int and float mix as numbers. */
function asNumber(v: PyValue): bigint | number | undefined {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  return undefined;
}

function arithmetic(op: string, a: PyValue, b: PyValue, unary = false): PyValue {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) {
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      switch (op) {
        case '+':
          return x + y;
        case '-':
          return x - y;
        case '*':
          return x * y;
        case '/':
          if (y === 0n) throw new PyError('division by zero');
          return Number(x) / Number(y);
        case '//':
        case '%': {
          if (y === 0n) throw new PyError('integer division or modulo by zero');
          const q = x / y - (x % y !== 0n && x < 0n !== y < 0n ? 1n : 0n);
          return op === '//' ? q : x - q * y;
        }
      }
    }
    const [f, g] = [Number(x), Number(y)];
    switch (op) {
      case '+':
        return f + g;
      case '-':
        return f - g;
      case '*':
        return f * g;
      case '/':
        if (g === 0) throw new PyError('float division by zero');
        return f / g;
      case '//':
        if (g === 0) throw new PyError('float floor division by zero');
        return Math.floor(f / g);
      case '%':
        if (g === 0) throw new PyError('float modulo');
        return f - Math.floor(f / g) * g;
    }
  }
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (op === '+' && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (op === '*' && typeof a === 'string' && typeof y === 'bigint')
    return a.repeat(Math.max(0, Number(y)));
  const shown = unary
    ? `bad operand type for unary ${op === '*' ? '-' : '+'}: '${typeName(b)}'`
    : `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`;
  throw new PyError(shown);
}

function equals(a: PyValue, b: PyValue): boolean {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) {
    return typeof x === typeof y ? x === y : Number(x) === Number(y);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => equals(v, b[i]));
  }
  return a === b;
}

function compare(op: string, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case 'is':
      return a === b || (a === null && b === null);
    case 'is not':
      return !(a === b || (a === null && b === null));
    case 'in':
    case 'not in': {
      let found: boolean;
      if (typeof b === 'string' && typeof a === 'string') found = b.includes(a);
      else if (Array.isArray(b)) found = b.some((v) => equals(a, v));
      else throw new PyError(`argument of type '${typeName(b)}' is not iterable`);
      return op === 'in' ? found : !found;
    }
  }
  const order = ordering(a, b, op);
  switch (op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}

function ordering(a: PyValue, b: PyValue, op: string): number {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) {
    if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
    const [f, g] = [Number(x), Number(y)];
    return f < g ? -1 : f > g ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new PyError(
    `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
  );
}
