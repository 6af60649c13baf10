/**
 * `@bolt/server/script`: play recorded Bolt conversations written in the stub-script format
 * of Neo4j's driver conformance suite (testkit), as its stub server does.
 */
export type { ClientLine, ConditionalBranch, ScriptBlock, ServerAction } from './script/body.js';
export {
  ScriptFailure,
  type ScriptFailureCode,
  ScriptSyntaxError,
  type ScriptSyntaxErrorCode,
} from './script/errors.js';
export { formatScriptLine, formatValue as formatScriptValue } from './script/format.js';
export type { ScriptHead } from './script/head.js';
export { type ParseScriptOptions, parseScript, type Script } from './script/parse-script.js';
export {
  type FinishOptions,
  type ScriptConnection,
  ScriptPlayer,
  type ScriptPlayerOptions,
} from './script/player.js';
export {
  ANY,
  AnyOf,
  type Jolt,
  MapPattern,
  type MapPatternEntry,
  type Pattern,
} from './script/value.js';
