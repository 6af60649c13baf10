// Server benchmark: @bolt/server answering from memory, against the limits measured in the same
// run.
//
// A child process runs two servers: ours (@bolt/server over the tcp module) and a raw TCP "echo"
// that answers each request with a stored copy of our server's answer (the same bytes, no Bolt
// work at all). The parent process is the client: it replays pre-encoded RUN+PULL bytes (so the
// client is not the bottleneck) and counts the summaries coming back with a tiny chunk scanner.
//
// Two references (`peer`):
// - "loopback ceiling": the echo, wall clock. The best any server could do on this machine, this
//   loopback, this client.
// - "codec ceiling": the fair one for the server's own work. @bolt/packstream + @bolt/chunking
//   alone, in the server's process, encode the same records (and decode the same requests and
//   encode their answers), with no state machine, handler or socket. Both sides are measured in
//   CPU time of the server process (units per CPU-second), so the ratio is what the server keeps
//   of the codec's speed, whatever else loads the machine.
//
// Scale rows: 1 → 1,000 concurrent connections (throughput, p99, server RSS per connection), and
// one 10M-row result streamed through @bolt/client (its own process) from @bolt/server, with the
// RSS growth of both against a 20 MB budget. The official neo4j-driver is measured last, as a
// second client of our server, for context.
//
//   pnpm bench server                           (builds, then runs this suite)
//   node tools/bench/src/suites/server.mjs --serve   (the servers alone; prints their ports)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compare, median, row, throughput } from '../harness.mjs';
import { codecCeiling } from '../server/codec-ceiling.mjs';
import { boltConnection, RawConnection, V, wire } from '../server/raw-client.mjs';

const SELF = fileURLToPath(import.meta.url);
const ROWS = 100_000;
const PIPELINE = 1000;
const STEPS = [1, 10, 100, 1000];
const STREAM_ROWS = Number(process.env.BENCH_STREAM_ROWS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MEASURE_MS = Number(process.env.BENCH_MS ?? 1000);
const WARMUP_MS = 300;
const MB = 1024 * 1024;
const QUERIES = { small: 'RETURN 1 AS n', large: 'ROWS', stream: 'STREAM' };

// ---------------------------------------------------------------------------------------------
// server process: ours, the echo, the codec ceiling; driven by the parent over IPC

/** The rows of the 10M-row result, made as they are pulled. RSS is sampled every 65,536 rows:
 *  `base` once 5% are out (everything warmed up), `max` after that. */
function* streamRows(n, memory) {
  const base = Math.floor(n / 20);
  for (let i = 0; i < n; i++) {
    if ((i & 0xffff) === 0 || i === base) {
      const rss = process.memoryUsage.rss();
      if (i === base) memory.base = rss;
      if (i >= base) memory.max = Math.max(memory.max, rss);
    }
    yield [i, `name-${i}`, i * 1.5];
  }
  memory.max = Math.max(memory.max, process.memoryUsage.rss());
}

/** Units per CPU-second of this process (user + system), over at least `minMs` of wall time. */
function cpuThroughput(fn, minMs) {
  let units = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  do units += fn();
  while (performance.now() - t0 < minMs);
  const cu = process.cpuUsage(c0);
  return units / ((cu.user + cu.system) / 1e6);
}

async function serve() {
  const { createServer } = await import('@bolt/server');
  const { tcp } = await import('@bolt/net-adapters/node');
  const { MessageCodec } = await import('@bolt/parser');
  const { Dechunker } = await import('@bolt/chunking');
  const { createServer: createNetServer } = await import('node:net');
  const table = Array.from({ length: ROWS }, (_, i) => [i, `name-${i}`, i * 1.5]);
  const one = [[1]];
  let memory = { base: 0, max: 0 };
  const server = createServer({
    handler: {
      authenticate: () => ({ username: 'bench' }),
      run(query, parameters) {
        if (query === QUERIES.large) return { fields: ['i', 's', 'f'], records: table };
        if (query === QUERIES.stream) {
          memory = { base: 0, max: 0 };
          return { fields: ['i', 's', 'f'], records: streamRows(Number(parameters.n), memory) };
        }
        return { fields: ['n'], records: one };
      },
    },
    idleTimeoutMs: 0,
    maxConnections: 4 * STEPS.at(-1),
  });
  const listener = await server.listen(tcp(), { host: '127.0.0.1', port: 0 });
  const bolt = listener.address.port;

  // Capture our server's exact answers, for the echo to replay and the ceiling to match.
  const w = await wire({ small: QUERIES.small, large: QUERIES.large });
  const c = await boltConnection(bolt, w);
  c.capture = true;
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

  // The codec ceiling answers exactly what our server answered (same metadata, same bytes).
  const responses = [];
  const codec = new MessageCodec({ version: V });
  new Dechunker({ onMessage: (b) => responses.push(codec.decodeResponse(b)) }).push(smallAnswer);
  const ceiling = codecCeiling(V, {
    run: responses[0].metadata,
    record: responses[1].fields,
    summary: responses[2].metadata,
  });
  const batch = Buffer.concat(Array.from({ length: PIPELINE }, () => w.small));
  if (ceiling.answer(batch) !== smallAnswer.length * PIPELINE)
    throw new Error('the codec ceiling does not answer what our server answers');
  const workloads = {
    pipelined: () => {
      ceiling.answer(batch);
      return PIPELINE;
    },
    stream: () => ceiling.stream(table),
  };

  const commands = {
    ceiling: ({ workload, minMs }) => {
      globalThis.gc?.();
      return cpuThroughput(workloads[workload], minMs);
    },
    cpu: () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    },
    rss: () => {
      globalThis.gc?.();
      return process.memoryUsage.rss();
    },
    connections: () => server.connections,
    memory: () => memory,
  };
  process.on('message', async ({ id, command, args }) => {
    process.send({ id, result: await commands[command](args) });
  });
  const sizes = { smallAnswer: smallAnswer.length, largeAnswer: largeAnswer.length };
  const ready = { bolt, echo: echo.address().port, sizes };
  if (process.send) process.send({ ready });
  else process.stdout.write(`${JSON.stringify(ready)}\n`);
}

// ---------------------------------------------------------------------------------------------
// the client (parent) side

function startServers() {
  const child = spawn(process.execPath, ['--expose-gc', SELF, '--serve'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 1;
  const pending = new Map();
  const call = (command, args) =>
    new Promise((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      child.send({ id, command, args });
    });
  return new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if (m.ready) resolve({ child, call, ...m.ready });
      else {
        pending.get(m.id)?.(m.result);
        pending.delete(m.id);
      }
    });
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
}

/** Ours in CPU time of the server process (units per server CPU-second) against the codec
 *  ceiling in the same process, alternating; medians of RUNS. */
async function versusCodec(servers, { workload, op, unit, ours, ceiling }) {
  const oursRate = async (minMs) => {
    const c0 = await servers.call('cpu');
    let units = 0;
    const t0 = performance.now();
    do units += await ours();
    while (performance.now() - t0 < minMs);
    const c1 = await servers.call('cpu');
    return units / ((c1 - c0) / 1e6);
  };
  const ceilingRate = (minMs) => servers.call('ceiling', { workload: ceiling, minMs });
  await oursRate(WARMUP_MS);
  await ceilingRate(WARMUP_MS);
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    globalThis.gc?.();
    a.push(await oursRate(MEASURE_MS));
    b.push(await ceilingRate(MEASURE_MS));
  }
  return row({
    suite: 'server',
    workload,
    op,
    unit,
    ours: median(a),
    peer: 'codec ceiling (@bolt/packstream + @bolt/chunking alone, server CPU time)',
    theirs: median(b),
  });
}

/** Every connection runs `request` back to back for `ms`: queries/s and p99 latency (ms). */
async function concurrently(conns, request, ms) {
  const latencies = [];
  const end = performance.now() + ms;
  await Promise.all(
    conns.map(async (c) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await request(c);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = ms + Math.max(0, performance.now() - end);
  latencies.sort((x, y) => x - y);
  return {
    rate: latencies.length / (elapsed / 1000),
    p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))],
  };
}

async function until(predicate) {
  for (let i = 0; i < 500 && !(await predicate()); i++) await new Promise((r) => setTimeout(r, 20));
}

/** 1 → 1,000 connections: throughput and p99 per step, and server RSS per connection. */
async function scaleRows(servers, w) {
  const rows = [];
  const S = Uint8Array.of(0x53);
  const small = (c) => c.request(w.small, 2);
  const peer = 'loopback ceiling';
  for (const n of STEPS) {
    const rss0 = await servers.call('rss');
    const ours = [];
    for (let i = 0; i < n; i++) ours.push(await boltConnection(servers.bolt, w));
    await Promise.all(ours.map(small));
    const rss1 = await servers.call('rss');
    const echo = [];
    for (let i = 0; i < n; i++) echo.push(await RawConnection.open(servers.echo, S));
    await Promise.all(echo.map(small));
    const rss2 = await servers.call('rss');
    await concurrently(ours, small, WARMUP_MS);
    await concurrently(echo, small, WARMUP_MS);
    const a = [];
    const b = [];
    for (let i = 0; i < RUNS; i++) {
      globalThis.gc?.();
      a.push(await concurrently(ours, small, MEASURE_MS));
      b.push(await concurrently(echo, small, MEASURE_MS));
    }
    const workload = `"${QUERIES.small}", ${n} connection${n > 1 ? 's' : ''}, sequential on each`;
    const unit = 'queries/s';
    const rate = (m) => median(m.map((x) => x.rate));
    const p99 = (m) => median(m.map((x) => x.p99));
    rows.push(
      row({
        suite: 'server',
        workload,
        op: 'RUN+PULL throughput',
        unit,
        ours: rate(a),
        peer,
        theirs: rate(b),
      }),
    );
    rows.push(
      row({
        suite: 'server',
        workload,
        op: 'RUN+PULL p99 latency',
        unit: 'ms',
        ours: p99(a),
        peer,
        theirs: p99(b),
        higherIsBetter: false,
      }),
    );
    if (n === STEPS.at(-1))
      rows.push(
        row({
          suite: 'server',
          workload: `${n} idle logged-in connections`,
          op: 'server RSS per connection',
          unit: 'KB',
          ours: (rss1 - rss0) / n / 1024,
          peer: 'raw TCP socket (the echo, same process)',
          theirs: (rss2 - rss1) / n / 1024,
          higherIsBetter: false,
        }),
      );
    for (const c of [...ours, ...echo]) c.close();
    await until(async () => (await servers.call('connections')) === 0);
  }
  return rows;
}

/** One result of STREAM_ROWS rows through @bolt/client, in a process of its own. */
function streamThroughClient(port) {
  const child = spawn(
    process.execPath,
    ['--expose-gc', SELF, '--stream-client', String(port), String(STREAM_ROWS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`stream client exited ${code}`)),
    ),
  );
}

async function streamClient(port, n) {
  const { driver, auth } = await import('@bolt/client/node');
  const d = driver(`bolt://127.0.0.1:${port}`, { auth: auth.basic('bench', 'bench') });
  const session = d.session();
  const memory = { base: 0, max: 0 };
  const base = Math.floor(n / 20);
  let count = 0;
  const t0 = performance.now();
  for await (const _ of session.run(QUERIES.stream, { n })) {
    if ((count & 0xffff) === 0 || count === base) {
      const rss = process.memoryUsage.rss();
      if (count === base) memory.base = rss;
      if (count >= base) memory.max = Math.max(memory.max, rss);
    }
    count++;
  }
  const seconds = (performance.now() - t0) / 1000;
  memory.max = Math.max(memory.max, process.memoryUsage.rss());
  await session.close();
  await d.close();
  process.stdout.write(`${JSON.stringify({ count, seconds, ...memory })}\n`);
}

async function streamRowsRows(servers) {
  const client = await streamThroughClient(servers.bolt);
  const server = await servers.call('memory');
  if (client.count !== STREAM_ROWS) throw new Error(`streamed ${client.count} of ${STREAM_ROWS}`);
  const workload = `${STREAM_ROWS / 1e6}M rows x 3 columns, @bolt/client <- @bolt/server (${(STREAM_ROWS / client.seconds / 1e6).toFixed(2)}M rows/s)`;
  const budget = { unit: 'MB', peer: 'flat-memory budget', theirs: 20, higherIsBetter: false };
  const growth = (m) => Math.max(0.01, (m.max - m.base) / MB);
  return [
    row({ suite: 'server', workload, op: 'server RSS growth', ours: growth(server), ...budget }),
    row({ suite: 'server', workload, op: 'client RSS growth', ours: growth(client), ...budget }),
  ];
}

export async function run() {
  const servers = await startServers();
  const w = await wire({ small: QUERIES.small, large: QUERIES.large });
  const rows = [];
  const suite = 'server';
  const peer = 'loopback ceiling';
  const common = { suite, peer, runs: RUNS, minMs: MEASURE_MS, warmupMs: WARMUP_MS };
  const S = Uint8Array.of(0x53);
  const L = Uint8Array.of(0x4c);
  const batch = Buffer.concat(Array.from({ length: PIPELINE }, () => w.small));
  try {
    // 1 connection: one query in flight, then PIPELINE queries per write
    {
      const ours = await boltConnection(servers.bolt, w);
      const ceiling = await RawConnection.open(servers.echo, S);
      rows.push(
        await compare({
          ...common,
          workload: `"${QUERIES.small}", 1 connection, sequential`,
          op: 'RUN+PULL round trips',
          unit: 'queries/s',
          ours: () => ours.request(w.small, 2).then(() => 1),
          theirs: () => ceiling.request(w.small, 2).then(() => 1),
        }),
      );
      const pipelined = () => ours.request(batch, 2 * PIPELINE).then(() => PIPELINE);
      const workload = `"${QUERIES.small}", 1 connection, ${PIPELINE} pipelined per write`;
      rows.push(
        await compare({
          ...common,
          workload,
          op: 'RUN+PULL pipelined',
          unit: 'queries/s',
          ours: pipelined,
          theirs: () => ceiling.request(batch, 2 * PIPELINE).then(() => PIPELINE),
        }),
      );
      rows.push(
        await versusCodec(servers, {
          workload,
          op: 'RUN+PULL pipelined (server CPU)',
          unit: 'queries/CPU-s',
          ours: pipelined,
          ceiling: 'pipelined',
        }),
      );
      ours.close();
      ceiling.close();
    }
    // one 100k-row result
    {
      const ours = await boltConnection(servers.bolt, w);
      const ceiling = await RawConnection.open(servers.echo, L);
      const workload = `${ROWS / 1000}k rows x 3 columns (${(servers.sizes.largeAnswer / 1e6).toFixed(1)} MB), 1 connection`;
      const stream = () => ours.request(w.large, 2).then(() => ROWS);
      rows.push(
        await compare({
          ...common,
          workload,
          op: 'stream a result',
          unit: 'records/s',
          ours: stream,
          theirs: () => ceiling.request(w.large, 2).then(() => ROWS),
        }),
      );
      rows.push(
        await versusCodec(servers, {
          workload,
          op: 'stream a result (server CPU)',
          unit: 'records/CPU-s',
          ours: stream,
          ceiling: 'stream',
        }),
      );
      ours.close();
      ceiling.close();
    }
    rows.push(...(await scaleRows(servers, w)));
    rows.push(...(await streamRowsRows(servers)));
    rows.push(...(await driverRows(servers, rows)));
  } finally {
    servers.child.kill();
  }
  return rows;
}

/** The official driver as the client of our server, next to the same loopback ceilings. */
async function driverRows(servers, rows) {
  const neo4j = (await import('neo4j-driver')).default;
  const driver = neo4j.driver(
    `bolt://127.0.0.1:${servers.bolt}`,
    neo4j.auth.basic('bench', 'bench'),
    {
      logging: { level: 'error', logger: () => {} },
      fetchSize: -1,
    },
  );
  const session = driver.session();
  const measure = async (fn) => {
    await throughput(fn, { minMs: WARMUP_MS });
    const r = [];
    for (let i = 0; i < RUNS; i++) {
      globalThis.gc?.();
      r.push(await throughput(fn, { minMs: MEASURE_MS }));
    }
    return median(r);
  };
  const ceilingOf = (op) => rows.find((r) => r.op === op && r.peer === 'loopback ceiling').theirs;
  const small = await measure(() => session.run(QUERIES.small).then(() => 1));
  const large = await measure(
    () =>
      new Promise((resolve, reject) => {
        let n = 0;
        session.run(QUERIES.large).subscribe({
          onNext: () => n++,
          onCompleted: () => resolve(n),
          onError: reject,
        });
      }),
  );
  await session.close();
  await driver.close();
  const peer = 'loopback ceiling';
  return [
    row({
      suite: 'server',
      workload: `neo4j-driver 6.3.0 as client: "${QUERIES.small}", sequential`,
      op: 'session.run',
      unit: 'queries/s',
      ours: small,
      peer,
      theirs: ceilingOf('RUN+PULL round trips'),
    }),
    row({
      suite: 'server',
      workload: `neo4j-driver 6.3.0 as client: ${ROWS / 1000}k rows`,
      op: 'session.run (subscribe)',
      unit: 'records/s',
      ours: large,
      peer,
      theirs: ceilingOf('stream a result'),
    }),
  ];
}

if (process.argv.includes('--serve')) await serve();
if (process.argv.includes('--stream-client')) {
  const i = process.argv.indexOf('--stream-client');
  await streamClient(Number(process.argv[i + 1]), Number(process.argv[i + 2]));
}
