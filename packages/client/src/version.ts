/** Replaced by the package's version at build time (tsup `define`; vitest defines it too). */
declare const __BOLT_CLIENT_VERSION__: string;

/** This package's version, e.g. `'1.2.0'` (`'0.0.0-source'` when its TypeScript sources run
 *  through a tool that does not define it). */
export const VERSION: string =
  typeof __BOLT_CLIENT_VERSION__ === 'string' ? __BOLT_CLIENT_VERSION__ : '0.0.0-source';
