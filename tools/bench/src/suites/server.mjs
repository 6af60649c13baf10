// Server benchmark: @bolt/server answering from memory, against the loopback ceiling.
//
// A child process runs two servers: ours (@bolt/server over the tcp module) and a raw TCP
// "echo" that answers each request with a stored copy of our server's answer to it (the same
// bytes in both directions, with no Bolt work at all). That echo is the ceiling: the best any
// server could do on this machine, this loopback, this client. The parent process is the client:
// it replays pre-encoded RUN+PULL bytes (so the client is not the bottleneck) and counts the
// summaries coming back with a tiny chunk scanner. Rows report ours as a fraction of the ceiling
// (peer = "loopback ceiling"). The official neo4j-driver is then measured as a second client of
// our server, for context, next to the same ceiling.
//
//   pnpm bench server                           (builds, then runs this suite)
//   node tools/bench/src/suites/server.mjs --serve   (the two servers alone; prints their ports)
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { compare, median, row, throughput } from '../harness.mjs';

const SELF = fileURLToPath(import.meta.url);
const ROWS = 100_000;
const PIPELINE = 1000;
const CONNECTIONS = 50;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MEASURE_MS = Number(process.env.BENCH_MS ?? 1000);
const V = { major: 5, minor: 8 };
const SMALL_QUERY = 'RETURN 1 AS n';
const LARGE_QUERY = 'ROWS';

// ---------------------------------------------------------------------------------------------
// wire helpers (built packages)

async function wire() {
  const { ChunkWriter } = await import('@bolt/chunking');
  const { MessageCodec, encodeClientHandshake } = await import('@bolt/parser');
  const codec = new MessageCodec({ version: V });
  const encode = (...requests) => {
    const w = new ChunkWriter();
    for (const r of requests) codec.encodeRequest(r, w);
    return w.flush();
  };
  const login = encode(
    { type: 'HELLO', extra: { user_agent: 'bench/1', bolt_agent: { product: 'bench/1' } } },
    { type: 'LOGON', auth: { scheme: 'basic', principal: 'bench', credentials: 'bench' } },
  );
  const query = (q) =>
    encode(
      { type: 'RUN', query: q, parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
  return {
    handshake: encodeClientHandshake([{ major: V.major, minor: V.minor }]),
    login,
    small: query(SMALL_QUERY),
    large: query(LARGE_QUERY),
  };
}

/** Counts summaries (SUCCESS/FAILURE/IGNORED) and records in a chunked byte stream. */
class Scanner {
  hdr = -1;
  h0 = 0;
  remain = 0;
  pos = 0;
  summaries = 0;
  records = 0;
  push(buf) {
    let i = 0;
    const n = buf.length;
    while (i < n) {
      if (this.remain === 0) {
        if (this.hdr === -1) {
          this.h0 = buf[i++];
          this.hdr = 0;
          continue;
        }
        const size = (this.h0 << 8) | buf[i++];
        this.hdr = -1;
        if (size === 0) this.pos = 0;
        else this.remain = size;
        continue;
      }
      const take = Math.min(this.remain, n - i);
      if (this.pos <= 1 && this.pos + take > 1) {
        const sig = buf[i + 1 - this.pos];
        if (sig === 0x71) this.records++;
        else this.summaries++;
      }
      this.pos += take;
      this.remain -= take;
      i += take;
    }
  }
}

/** A raw client connection: write bytes, await a number of summaries. */
class RawConnection {
  constructor(socket) {
    this.socket = socket;
    this.scanner = new Scanner();
    this.target = 0;
    this.wake = undefined;
    this.bytes = [];
    this.capture = false;
    socket.on('data', (b) => {
      if (this.capture) this.bytes.push(b);
      this.scanner.push(b);
      if (this.wake && this.scanner.summaries >= this.target) {
        const w = this.wake;
        this.wake = undefined;
        w();
      }
    });
  }
  static async open(port, first) {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const c = new RawConnection(socket);
    if (first) socket.write(first);
    return c;
  }
  /** Write `bytes` and resolve once `summaries` more summaries arrived. */
  request(bytes, summaries) {
    this.target = this.scanner.summaries + summaries;
    return new Promise((resolve) => {
      this.wake = resolve;
      this.socket.write(bytes);
    });
  }
  close() {
    this.socket.destroy();
  }
}

/** A logged-in raw Bolt connection to our server. */
async function boltConnection(port, w) {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(w.handshake);
  await new Promise((resolve) => socket.once('data', resolve)); // 4-byte version reply
  const c = new RawConnection(socket);
  await c.request(w.login, 2);
  return c;
}

// ---------------------------------------------------------------------------------------------
// server process: ours + the echo ceiling

async function serve() {
  const { createServer } = await import('@bolt/server');
  const { tcp } = await import('@bolt/net-adapters/node');
  const { createServer: createNetServer } = await import('node:net');
  const table = Array.from({ length: ROWS }, (_, i) => [i, `name-${i}`, i * 1.5]);
  const one = [[1]];
  const server = createServer({
    handler: {
      authenticate: () => ({ username: 'bench' }),
      run(query) {
        if (query === LARGE_QUERY) return { fields: ['i', 's', 'f'], records: table };
        return { fields: ['n'], records: one };
      },
    },
    idleTimeoutMs: 0,
  });
  const listener = await server.listen(tcp(), { host: '127.0.0.1', port: 0 });
  const bolt = listener.address.port;

  // Capture our server's exact answers, for the echo to replay.
  const w = await wire();
  const c = await boltConnection(bolt, w);
  c.capture = true;
  c.bytes = [];
  await c.request(w.small, 2);
  const smallAnswer = Buffer.concat(c.bytes);
  c.bytes = [];
  await c.request(w.large, 2);
  const largeAnswer = Buffer.concat(c.bytes);
  c.close();

  // The echo: first byte picks the workload (S small / L large); then each complete request
  // (the same RUN+PULL bytes) is answered with the stored answer, batched per read.
  const repeated = new Map();
  const answerTimes = (answer, n) => {
    if (n === 1) return answer;
    const key = `${answer.length}:${n}`;
    let b = repeated.get(key);
    if (!b) {
      b = Buffer.concat(Array.from({ length: n }, () => answer));
      if (repeated.size < 64) repeated.set(key, b);
    }
    return b;
  };
  const echo = createNetServer({ noDelay: true }, (socket) => {
    let mode;
    let pending = 0;
    socket.on('data', (b) => {
      let data = b;
      if (mode === undefined) {
        mode = data[0] === 0x4c ? 'L' : 'S';
        data = data.subarray(1);
      }
      const reqSize = mode === 'L' ? w.large.length : w.small.length;
      const answer = mode === 'L' ? largeAnswer : smallAnswer;
      pending += data.length;
      const units = Math.floor(pending / reqSize);
      pending -= units * reqSize;
      if (units > 0) socket.write(answerTimes(answer, units));
    });
    socket.on('error', () => {});
  });
  await new Promise((r) => echo.listen(0, '127.0.0.1', r));
  const sizes = {
    smallRequest: w.small.length,
    smallAnswer: smallAnswer.length,
    largeAnswer: largeAnswer.length,
  };
  process.stdout.write(`${JSON.stringify({ bolt, echo: echo.address().port, sizes })}\n`);
}

// ---------------------------------------------------------------------------------------------
// the client (parent) side

function startServers() {
  const child = spawn(process.execPath, ['--expose-gc', SELF, '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, ...JSON.parse(out.slice(0, nl)) });
    });
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
}

export async function run() {
  const servers = await startServers();
  const w = await wire();
  const rows = [];
  const suite = 'server';
  const peer = 'loopback ceiling';
  const common = { suite, peer, runs: RUNS, minMs: MEASURE_MS, warmupMs: 300 };
  const S = Uint8Array.of(0x53);
  const L = Uint8Array.of(0x4c);
  try {
    // 1 connection, one query in flight
    {
      const ours = await boltConnection(servers.bolt, w);
      const ceiling = await RawConnection.open(servers.echo, S);
      rows.push(
        await compare({
          ...common,
          workload: `"${SMALL_QUERY}", 1 connection, sequential`,
          op: 'RUN+PULL round trips',
          unit: 'queries/s',
          ours: () => ours.request(w.small, 2).then(() => 1),
          theirs: () => ceiling.request(w.small, 2).then(() => 1),
        }),
      );
      // 1 connection, PIPELINE queries per write
      const batch = Buffer.concat(Array.from({ length: PIPELINE }, () => w.small));
      rows.push(
        await compare({
          ...common,
          workload: `"${SMALL_QUERY}", 1 connection, ${PIPELINE} pipelined per write`,
          op: 'RUN+PULL pipelined',
          unit: 'queries/s',
          ours: () => ours.request(batch, 2 * PIPELINE).then(() => PIPELINE),
          theirs: () => ceiling.request(batch, 2 * PIPELINE).then(() => PIPELINE),
        }),
      );
      ours.close();
      ceiling.close();
    }
    // CONNECTIONS connections, one query in flight on each
    {
      const ours = await Promise.all(
        Array.from({ length: CONNECTIONS }, () => boltConnection(servers.bolt, w)),
      );
      const ceiling = await Promise.all(
        Array.from({ length: CONNECTIONS }, () => RawConnection.open(servers.echo, S)),
      );
      const burst = (conns) => () =>
        Promise.all(
          conns.map(async (c) => {
            for (let i = 0; i < 10; i++) await c.request(w.small, 2);
          }),
        ).then(() => conns.length * 10);
      rows.push(
        await compare({
          ...common,
          workload: `"${SMALL_QUERY}", ${CONNECTIONS} connections, sequential on each`,
          op: 'RUN+PULL round trips',
          unit: 'queries/s',
          ours: burst(ours),
          theirs: burst(ceiling),
        }),
      );
      for (const c of [...ours, ...ceiling]) c.close();
    }
    // one 100k-row result
    {
      const ours = await boltConnection(servers.bolt, w);
      const ceiling = await RawConnection.open(servers.echo, L);
      rows.push(
        await compare({
          ...common,
          workload: `${ROWS / 1000}k rows x 3 columns (${(servers.sizes.largeAnswer / 1e6).toFixed(1)} MB), 1 connection`,
          op: 'stream a result',
          unit: 'records/s',
          ours: () => ours.request(w.large, 2).then(() => ROWS),
          theirs: () => ceiling.request(w.large, 2).then(() => ROWS),
        }),
      );
      ours.close();
      ceiling.close();
    }
    // The official driver as the client of our server, next to the same ceilings.
    {
      const neo4j = (await import('neo4j-driver')).default;
      const driver = neo4j.driver(
        `bolt://127.0.0.1:${servers.bolt}`,
        neo4j.auth.basic('bench', 'bench'),
        { logging: { level: 'error', logger: () => {} }, fetchSize: -1 },
      );
      const session = driver.session();
      const measure = async (fn) => {
        await throughput(fn, { minMs: 300 });
        const r = [];
        for (let i = 0; i < RUNS; i++) {
          globalThis.gc?.();
          r.push(await throughput(fn, { minMs: MEASURE_MS }));
        }
        return median(r);
      };
      const small = await measure(() => session.run(SMALL_QUERY).then(() => 1));
      rows.push(
        row({
          suite,
          workload: `neo4j-driver 6.3.0 as client: "${SMALL_QUERY}", sequential`,
          op: 'session.run',
          unit: 'queries/s',
          ours: small,
          peer,
          theirs: rows[0].theirs,
        }),
      );
      const large = await measure(
        () =>
          new Promise((resolve, reject) => {
            let n = 0;
            session.run(LARGE_QUERY).subscribe({
              onNext: () => n++,
              onCompleted: () => resolve(n),
              onError: reject,
            });
          }),
      );
      rows.push(
        row({
          suite,
          workload: `neo4j-driver 6.3.0 as client: ${ROWS / 1000}k rows`,
          op: 'session.run (subscribe)',
          unit: 'records/s',
          ours: large,
          peer,
          theirs: rows[3].theirs,
        }),
      );
      await session.close();
      await driver.close();
    }
  } finally {
    servers.child.kill();
  }
  return rows;
}

if (process.argv.includes('--serve')) await serve();
