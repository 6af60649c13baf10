import type { NetModule } from './net-module.js';

/** The names every entry resolves itself: `tcp` and `tls` (Node entry), `websocket`. */
export const BUILT_IN_NET_MODULES: readonly string[] = Object.freeze(['tcp', 'tls', 'websocket']);

const registered = new Map<string, () => NetModule>();

/**
 * Make a networking module available by name, so `netModule: 'name'` (driver options,
 * `resolveNetModule`) reaches it, as the Perl driver's `net_module` takes a module name.
 * Registering a name again replaces it; the built-in names (`tcp`, `tls`, `websocket`) cannot be
 * taken. Throws a TypeError for a bad name or factory.
 */
export function registerNetModule(name: string, factory: () => NetModule): void {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][\w.-]*$/.test(name))
    throw new TypeError(
      `a networking module name must be a word like 'proxy', got ${JSON.stringify(name)}`,
    );
  if (BUILT_IN_NET_MODULES.includes(name))
    throw new TypeError(`'${name}' is the name of a built-in networking module`);
  if (typeof factory !== 'function')
    throw new TypeError(`registerNetModule('${name}', factory): factory must be a function`);
  registered.set(name, factory);
}

/** The factory registered under `name`, if any. */
export function registeredNetModule(name: string): (() => NetModule) | undefined {
  return registered.get(name);
}

/** Every name `netModule` accepts: the built-in ones, then the registered ones. */
export function netModuleNames(): string[] {
  return [...BUILT_IN_NET_MODULES, ...registered.keys()];
}
