/** Replaced by the package's version at build time (tsup `define`; vitest defines it too). */
declare const __BOLT_SERVER_VERSION__: string;

/** This package's version, e.g. `'1.2.0'` (`'0.0.0-source'` when its TypeScript sources run
 *  through a tool that does not define it). */
export const VERSION: string =
  typeof __BOLT_SERVER_VERSION__ === 'string' ? __BOLT_SERVER_VERSION__ : '0.0.0-source';

/** The default `server` agent in HELLO SUCCESS: `BoltServer/<this package's version>`. */
export const SERVER_AGENT = `BoltServer/${VERSION}`;
