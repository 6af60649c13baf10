import type { NetModule, NetModuleInput } from './net-module.js';
import { netModuleNames, registeredNetModule } from './net-module-registry.js';
import { websocket } from './websocket.js';

const PORTABLE: Readonly<Record<string, () => NetModule>> = { websocket: () => websocket() };

/** Turn a module given by value, by factory or by name into the module, checking that it has
 *  the documented shape. Names: `'websocket'` and those given to `registerNetModule()` (the
 *  Node entry's `resolveNetModule` adds `'tcp'` and `'tls'`). Throws a TypeError naming what
 *  is missing, or the names it knows. */
export function resolveNetModule(input: NetModuleInput): NetModule {
  if (typeof input === 'string') return resolveNamedNetModule(input, PORTABLE);
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

/** @internal A name, looked up in `builtIns` (what this entry can build), then the registry. */
export function resolveNamedNetModule(
  name: string,
  builtIns: Readonly<Record<string, () => NetModule>>,
): NetModule {
  const factory = Object.hasOwn(builtIns, name) ? builtIns[name] : registeredNetModule(name);
  if (factory) return resolveNetModule(factory);
  if (name === 'tcp' || name === 'tls')
    throw new TypeError(
      `the '${name}' networking module needs Node: resolve it with @bolt/net-adapters/node (@bolt/client/node and the node export condition of @bolt/client do)`,
    );
  throw new TypeError(
    `unknown networking module '${name}': known names are ${netModuleNames().join(', ')}; add your own with registerNetModule(name, factory)`,
  );
}
