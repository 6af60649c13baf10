import type { Socket } from 'node:net';
import type { ConnectOptions } from './net-module.js';
import { formatAddress } from './socket-transport.js';
import { TransportError } from './transport-error.js';

/** Default of `ConnectOptions.connectTimeoutMs`. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * Wait until `socket` (just created, connecting) emits `readyEvent`, within the deadline and
 * the caller's AbortSignal. On failure the socket is destroyed and a TransportError thrown:
 * `CONNECT_TIMEOUT`, `ABORTED`, `CONNECT_REFUSED`, `TLS` or `CONNECT_FAILED`.
 * `phase(socket)` names what was still missing when the deadline passed (for the message).
 */
export function awaitSocketReady(
  socket: Socket,
  readyEvent: 'connect' | 'secureConnect',
  options: ConnectOptions,
  phase: () => string,
): Promise<void> {
  const where = formatAddress(options.host, options.port);
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new Promise<void>((resolve, reject) => {
    const fail = (error: TransportError) => {
      cleanup();
      // Errors after we gave up (a reset racing our destroy) must not become uncaught.
      socket.on('error', () => {});
      socket.destroy();
      reject(error);
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    // Cut off during the TLS handshake (TCP was up): most often a server that does not speak
    // TLS on that port; say so, instead of a bare "read ECONNRESET".
    const duringTls = () => readyEvent === 'secureConnect' && phase() === 'TLS handshake';
    const notTls = (what: string, cause?: Error) =>
      new TransportError(
        'TLS',
        `TLS handshake with ${where} failed (${what}): the server may not speak TLS on this port (a plain Bolt port needs bolt:// or neo4j://, not +s/+ssc)`,
        { cause },
      );
    const onError = (error: Error) => {
      const code = (error as { code?: string }).code ?? '';
      if (
        duringTls() &&
        (code === 'ECONNRESET' ||
          code === 'EPIPE' ||
          /wrong version number|packet length too long|unexpected eof/i.test(error.message))
      )
        fail(notTls(error.message, error));
      else fail(mapConnectError(error, where));
    };
    const onClose = () =>
      fail(
        duringTls()
          ? notTls('the connection was closed')
          : new TransportError('CONNECT_FAILED', `connection to ${where} closed while connecting`),
      );
    const onAbort = () =>
      fail(
        new TransportError('ABORTED', `connect to ${where} aborted`, {
          cause: options.signal?.reason,
        }),
      );
    const timer = setTimeout(
      () =>
        fail(
          new TransportError(
            'CONNECT_TIMEOUT',
            `${phase()} with ${where} did not complete within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    const cleanup = () => {
      clearTimeout(timer);
      socket.off(readyEvent, onReady);
      socket.off('error', onError);
      socket.off('close', onClose);
      options.signal?.removeEventListener('abort', onAbort);
    };
    socket.once(readyEvent, onReady);
    socket.once('error', onError);
    socket.once('close', onClose);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function mapConnectError(error: Error, where: string): TransportError {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'ECONNREFUSED') {
    return new TransportError('CONNECT_REFUSED', `connection to ${where} refused`, {
      cause: error,
    });
  }
  if (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code.includes('CERT') ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'ECONNRESET_TLS'
  ) {
    return new TransportError('TLS', `TLS handshake with ${where} failed: ${error.message}`, {
      cause: error,
    });
  }
  return new TransportError('CONNECT_FAILED', `connection to ${where} failed: ${error.message}`, {
    cause: error,
  });
}
