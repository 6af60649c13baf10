/**
 * Walking a script: where a connection stands is a continuation, the list of blocks still to
 * play. A client message is accepted by the first way through the blocks (in script order, as
 * testkit prefers: enter an optional block rather than skip it, go round a loop again rather
 * than leave it, take the first alternative that fits). Server lines, `PY:` lines and `IF:`
 * conditions run when the walk reaches them; conditions that wait behind an optional or
 * repeated block are decided when the next message arrives, as in testkit.
 */
import type { ClientLine, ConditionalBranch, ScriptBlock, ServerAction } from './body.js';
import { matches } from './match.js';
import { type PyScope, truthy } from './python.js';
import type { Jolt } from './value.js';

/** A parallel block being played: what is left of each branch. */
interface Parallel {
  kind: 'parallel-run';
  branches: readonly Cont[];
  line: number;
}

/** The blocks still to play, as a linked list. `again` marks a repeat block that has been
 *  played once already: from there on it may stop at any pass (`{+ +}` becomes `{* *}`). */
export type Cont = {
  readonly item: ScriptBlock | Parallel;
  readonly next: Cont;
  readonly again?: true;
} | null;

/** What the walk needs besides the script: the Python variables and the JOLT flavour. */
export interface WalkContext {
  readonly scope: PyScope;
  readonly jolt: Jolt;
}

/** A client message as received: its name and its fields in wire form. */
export interface Incoming {
  name: string;
  fields: unknown[];
}

export interface Consumed {
  line: ClientLine;
  auto: boolean;
  next: Cont;
}

export function prepend(blocks: readonly ScriptBlock[], next: Cont): Cont {
  for (let i = blocks.length - 1; i >= 0; i--) next = { item: blocks[i], next };
  return next;
}

type Repeat = Extract<ScriptBlock, { kind: 'repeat' }>;

/** One more pass of a repeat block: its body, then the block again. */
function pass(b: Repeat, cont: NonNullable<Cont>): Cont {
  return prepend(b.body, { item: b, next: cont.next, again: true });
}

/** Repeat blocks entered since the last consumed message on the path being explored: going
 *  round one of them again without consuming anything would loop forever. */
type Seen = ReadonlySet<ScriptBlock>;
const withBlock = (seen: Seen, b: ScriptBlock): Seen => new Set([...seen, b]);

/** The branch of a conditional that plays now, if any. Conditions have no side effects. */
function chosen(branches: readonly ConditionalBranch[], ctx: WalkContext): ScriptBlock[] {
  for (const br of branches) {
    if (br.condition === undefined || truthy(br.condition(ctx.scope))) return br.body;
  }
  return [];
}

function startParallel(b: Extract<ScriptBlock, { kind: 'parallel' }>): Parallel {
  return {
    kind: 'parallel-run',
    branches: b.branches.map((br) => prepend(br, null)),
    line: b.line,
  };
}

/** The first way (in script order) to accept `msg`, or undefined. */
export function consume(
  cont: Cont,
  msg: Incoming,
  ctx: WalkContext,
  seen: Seen = new Set(),
): Consumed | undefined {
  if (!cont) return undefined;
  const b = cont.item;
  switch (b.kind) {
    case 'client':
    case 'auto':
      return matchMessage(b.message, msg, ctx.jolt)
        ? { line: b.message, auto: b.kind === 'auto', next: cont.next }
        : undefined;
    case 'server':
    case 'python':
      return undefined;
    case 'optional':
      return (
        consume(prepend(b.body, cont.next), msg, ctx, seen) ?? consume(cont.next, msg, ctx, seen)
      );
    case 'alternatives':
      for (const branch of b.branches) {
        const r = consume(prepend(branch, cont.next), msg, ctx, seen);
        if (r) return r;
      }
      return undefined;
    case 'repeat': {
      if (!seen.has(b)) {
        const r = consume(pass(b, cont), msg, ctx, withBlock(seen, b));
        if (r) return r;
      }
      return b.min === 0 || cont.again ? consume(cont.next, msg, ctx, seen) : undefined;
    }
    case 'conditional':
      return consume(prepend(chosen(b.branches, ctx), cont.next), msg, ctx, seen);
    case 'parallel':
      return consume({ item: startParallel(b), next: cont.next }, msg, ctx, seen);
    case 'parallel-run': {
      for (let i = 0; i < b.branches.length; i++) {
        const r = consume(b.branches[i], msg, ctx, seen);
        if (r) {
          const branches = b.branches.map((br, k) => (k === i ? r.next : br));
          return { ...r, next: { item: { ...b, branches }, next: cont.next } };
        }
      }
      return b.branches.every((br) => canSkip(br, ctx))
        ? consume(cont.next, msg, ctx, seen)
        : undefined;
    }
  }
}

/** Whether the rest of the script may be left unplayed (everything left is optional). */
export function canSkip(cont: Cont, ctx: WalkContext, seen: Seen = new Set()): boolean {
  if (!cont) return true;
  const b = cont.item;
  switch (b.kind) {
    case 'client':
    case 'auto':
    case 'server':
    case 'python':
      return false;
    case 'optional':
      return canSkip(cont.next, ctx, seen);
    case 'alternatives':
      return b.branches.some((branch) => canSkip(prepend(branch, cont.next), ctx, seen));
    case 'repeat':
      if (b.min === 0 || cont.again) return canSkip(cont.next, ctx, seen);
      return !seen.has(b) && canSkip(pass(b, cont), ctx, withBlock(seen, b));
    case 'conditional':
      return canSkip(prepend(chosen(b.branches, ctx), cont.next), ctx, seen);
    case 'parallel':
      return (
        b.branches.every((br) => canSkip(prepend(br, null), ctx, seen)) &&
        canSkip(cont.next, ctx, seen)
      );
    case 'parallel-run':
      return b.branches.every((br) => canSkip(br, ctx, seen)) && canSkip(cont.next, ctx, seen);
  }
}

/** The client lines that could come next, as written (for failure messages). */
export function expectedLines(
  cont: Cont,
  ctx: WalkContext,
  out: string[] = [],
  seen: Seen = new Set(),
): string[] {
  if (!cont) return out;
  const b = cont.item;
  const add = (m: ClientLine, prefix: string) => {
    const s = `(line ${m.line}) ${prefix} ${m.text}`;
    if (!out.includes(s)) out.push(s);
  };
  switch (b.kind) {
    case 'client':
      add(b.message, 'C:');
      break;
    case 'auto':
      add(b.message, 'A:');
      break;
    case 'optional':
      expectedLines(prepend(b.body, cont.next), ctx, out, seen);
      expectedLines(cont.next, ctx, out, seen);
      break;
    case 'alternatives':
      for (const branch of b.branches) expectedLines(prepend(branch, cont.next), ctx, out, seen);
      break;
    case 'repeat':
      if (!seen.has(b)) expectedLines(pass(b, cont), ctx, out, withBlock(seen, b));
      if (b.min === 0 || cont.again) expectedLines(cont.next, ctx, out, seen);
      break;
    case 'conditional':
      expectedLines(prepend(chosen(b.branches, ctx), cont.next), ctx, out, seen);
      break;
    case 'parallel':
      expectedLines({ item: startParallel(b), next: cont.next }, ctx, out, seen);
      break;
    case 'parallel-run':
      for (const br of b.branches) expectedLines(br, ctx, out, seen);
      if (b.branches.every((br) => canSkip(br, ctx))) expectedLines(cont.next, ctx, out, seen);
      break;
  }
  return out;
}

export interface Advanced {
  /** The server block reached, if any; undefined when the client must speak first. */
  actions: readonly ServerAction[] | undefined;
  /** Where the walk stands after it (null: the script is over). */
  next: Cont;
}

/**
 * Walk as far as the script goes without a client message: `PY:` lines run and conditions are
 * decided on the way, up to the next server block (returned, to be performed by the caller) or
 * to where the client must speak.
 */
export function advance(cont: Cont, ctx: WalkContext): Advanced {
  while (cont) {
    const b = cont.item;
    switch (b.kind) {
      case 'server':
        return { actions: b.actions, next: cont.next };
      case 'python':
        b.run(ctx.scope);
        cont = cont.next;
        break;
      case 'conditional':
        cont = prepend(chosen(b.branches, ctx), cont.next);
        break;
      case 'parallel-run': {
        const branches = [...b.branches];
        for (let i = 0; i < branches.length; i++) {
          const r = advance(branches[i], ctx);
          branches[i] = r.next;
          if (r.actions)
            return { actions: r.actions, next: { item: { ...b, branches }, next: cont.next } };
        }
        if (branches.some((br) => br !== null)) {
          return { actions: undefined, next: { item: { ...b, branches }, next: cont.next } };
        }
        cont = cont.next;
        break;
      }
      default:
        return { actions: undefined, next: cont };
    }
  }
  return { actions: undefined, next: null };
}

function matchMessage(line: ClientLine, msg: Incoming, jolt: Jolt): boolean {
  return (
    line.name === msg.name &&
    line.fields.length === msg.fields.length &&
    line.fields.every((f, i) => matches(f, msg.fields[i], jolt))
  );
}
