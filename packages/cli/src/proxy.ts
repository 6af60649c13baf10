/**
 * `bolt proxy`: sits between any driver and any Bolt server, relays the bytes unchanged, and
 * prints one line per message of both directions, decoded for the negotiated version
 * (credentials hidden). It can record each connection as a stub script, dump what it cannot
 * decode, delay traffic and cut connections for fault tests, and speak TLS on either side.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ListenerModule, NetModule, TlsClientOptions, Transport } from '@bolt/net-adapters';
import { tcp, tls } from '@bolt/net-adapters/node';
import { defaultOutput, type Output, painter, parseAddress, UsageError } from './output.js';
import { Relay } from './proxy/relay.js';

export const PROXY_HELP = `Usage: bolt proxy --listen HOST:PORT --target HOST:PORT [options]

Relay Bolt connections from --listen to --target and print every message of both directions
(C: from the client, S: from the server), decoded for the negotiated version; credentials are
hidden. Stops on an interrupt (SIGINT or SIGTERM).

Options:
  --listen HOST:PORT       where drivers connect (required)
  --target HOST:PORT       the Bolt server to relay to (required)
  --record FILE            record each connection as a stub script that "bolt stub" replays
                           (connection N > 1 goes to FILE with "-N" before the extension)
  --dump-dir DIR           write each message that cannot be decoded to DIR (.bin, .txt)
  --latency MS             delay every chunk by MS milliseconds, both directions (default 0)
  --drop-after N           cut both connections once N messages went through
  --listen-cert FILE       serve TLS to drivers with this PEM certificate (needs --listen-key)
  --listen-key FILE        the PEM private key of --listen-cert
  --target-tls             connect to the target with TLS, trusting the system CAs
  --target-ca FILE         ... trusting only this PEM CA instead
  --target-trust-all       ... trusting any certificate (self-signed, no verification)
  -q, --quiet              print no message lines
  -h, --help               show this help

Exit status: 0 stopped; 64 usage mistake; 99 cannot listen.
`;

export async function proxy(argv: string[], out: Output = defaultOutput()): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      listen: { type: 'string' },
      target: { type: 'string' },
      record: { type: 'string' },
      'dump-dir': { type: 'string' },
      latency: { type: 'string' },
      'drop-after': { type: 'string' },
      'listen-cert': { type: 'string' },
      'listen-key': { type: 'string' },
      'target-tls': { type: 'boolean' },
      'target-ca': { type: 'string' },
      'target-trust-all': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out.stdout.write(PROXY_HELP);
    return 0;
  }
  if (!values.listen || !values.target) throw new UsageError('--listen and --target are required');
  const listen = parseAddress(values.listen, '127.0.0.1');
  const target = parseAddress(values.target, '127.0.0.1');
  const latencyMs = count(values.latency, '--latency') ?? 0;
  const dropAfter = count(values['drop-after'], '--drop-after');
  if (dropAfter === 0) throw new UsageError('--drop-after needs at least 1');
  if (Boolean(values['listen-cert']) !== Boolean(values['listen-key'])) {
    throw new UsageError('--listen-cert and --listen-key go together');
  }

  const listener: ListenerModule = values['listen-cert'] ? tls() : tcp();
  const listenTls = values['listen-cert']
    ? {
        cert: readFileSync(values['listen-cert'], 'utf8'),
        key: readFileSync(values['listen-key'] as string, 'utf8'),
      }
    : undefined;
  const targetTls = targetTlsOf(values);
  const connector: NetModule = targetTls ? tls() : tcp();
  const log = messageLog(out, values.quiet === true);

  let connections = 0;
  const relays = new Set<Promise<void>>();
  const onConnection = (client: Transport) => {
    const id = ++connections;
    connector
      .connect({ ...target, tls: targetTls, connectTimeoutMs: 10_000 })
      .then((server) => {
        const relay = new Relay(client, server, id, {
          latencyMs,
          dropAfter,
          dumpDir: values['dump-dir'],
          recordPath: values.record ? recordPath(values.record, id) : undefined,
          log,
        });
        relays.add(relay.done);
        void relay.done.then(() => relays.delete(relay.done));
      })
      .catch((e: Error) => {
        log(`[#${id}] cannot reach ${target.host}:${target.port}: ${e.message}`);
        client.destroy();
      });
  };
  let bound: Awaited<ReturnType<ListenerModule['listen']>>;
  try {
    bound = await listener.listen({ ...listen, tls: listenTls }, onConnection);
  } catch (e) {
    out.stderr.write(`cannot listen on ${listen.host}:${listen.port}: ${(e as Error).message}\n`);
    return 99;
  }
  log(
    `Listening on ${bound.address.host}:${bound.address.port}, relaying to ${target.host}:${target.port}`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await bound.close();
  // let the connections in flight end (and their recordings be written), for a while
  await Promise.race([Promise.all(relays), new Promise((r) => setTimeout(r, 2000))]);
  return 0;
}

/** TLS towards the target, from `--target-tls`, `--target-ca` and `--target-trust-all`. */
function targetTlsOf(values: {
  'target-tls'?: boolean;
  'target-ca'?: string;
  'target-trust-all'?: boolean;
}): TlsClientOptions | undefined {
  if (values['target-trust-all']) return { enabled: true, trust: 'all' };
  if (values['target-ca'])
    return { enabled: true, trust: 'custom', ca: readFileSync(values['target-ca'], 'utf8') };
  if (values['target-tls']) return { enabled: true, trust: 'system' };
  return undefined;
}

/** Prints the relay's lines; message lines (`[#n] C: …`) coloured, or left out when quiet. */
function messageLog(out: Output, quiet: boolean): (line: string) => void {
  if (quiet)
    return (line) => {
      if (!/^\[#\d+\] [CS]: /.test(line)) out.stdout.write(`${line}\n`);
    };
  const paint = painter(out.stdout);
  return (line) => {
    const m = /^(\[#\d+\] )([CS]): (.*)$/.exec(line);
    const text = m
      ? `${paint('dim', m[1])}${paint(m[2] === 'C' ? 'cyan' : 'green', `${m[2]}:`)} ${m[3]}`
      : line;
    out.stdout.write(`${text}\n`);
  };
}

/** A non-negative integer option, or undefined when absent. */
function count(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${name} needs a whole number, got "${text}"`);
  return n;
}

/** `out.script` for connection 1, `out-2.script` for connection 2, … */
function recordPath(path: string, id: number): string {
  if (id === 1) return path;
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/')
    ? `${path.slice(0, dot)}-${id}${path.slice(dot)}`
    : `${path}-${id}`;
}
