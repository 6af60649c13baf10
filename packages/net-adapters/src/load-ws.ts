import type * as WsModule from 'ws';
import { TransportError } from './transport-error.js';

/** The `ws` package, loaded on first use (it is an optional peer dependency). */
export async function loadWs(
  who: string,
  code: 'CONNECT_FAILED' | 'LISTEN_FAILED',
): Promise<typeof WsModule> {
  try {
    const mod = (await import('ws')) as typeof WsModule & { default?: typeof WsModule };
    // The ESM wrapper exposes named exports; a CJS interop may only have `default`.
    return mod.WebSocketServer ? mod : (mod.default as typeof WsModule);
  } catch (error) {
    throw new TransportError(
      code,
      `${who} needs the 'ws' package, an optional peer dependency of @bolt/net-adapters: install it (npm install ws)`,
      { cause: error },
    );
  }
}
