import type { NetModule, NetModuleInput } from './net-module.js';

/** Turn a module given by value or by factory into the module, checking that it has the
 *  documented shape. Throws a TypeError naming what is missing. */
export function resolveNetModule(input: NetModuleInput): NetModule {
  const module = typeof input === 'function' ? input() : input;
  if (typeof module !== 'object' || module === null) {
    throw new TypeError(
      `a networking module must be an object with name and connect(); got ${module === null ? 'null' : typeof module}${typeof input === 'function' ? ' from the factory' : ''}`,
    );
  }
  if (typeof module.connect !== 'function') {
    throw new TypeError(
      `networking module ${String(module.name ?? '(unnamed)')} has no connect(options) method`,
    );
  }
  if (typeof module.name !== 'string') {
    throw new TypeError('a networking module must have a string name');
  }
  return module;
}
