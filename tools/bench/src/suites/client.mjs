// Client benchmark: @bolt/client vs the official neo4j-driver (6.3.0), same server, same data.
//
// One @bolt/server process answers from memory over TCP. Every measurement runs in a fresh
// child process (so each client's peak RSS is its own): ours and theirs alternate, each run
// measures for a fixed time after a warm-up, and the median of the runs is reported.
// The raw-socket ceiling reads the very bytes of the 100k-row answer without decoding them.
//
//   pnpm bench client                     (builds, then runs this suite)
//   node tools/bench/src/suites/client.mjs --server       (the server alone; prints its port)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, row } from '../harness.mjs';

const SELF = fileURLToPath(import.meta.url);
const ROWS = 100_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MEASURE_MS = Number(process.env.BENCH_MS ?? 1500);
const WARMUP_MS = 500;
const CONCURRENCY = 20;

// ---------------------------------------------------------------------------------------------
// server process

async function serveForever() {
  const { createServer } = await import('@bolt/server');
  const { tcp } = await import('@bolt/net-adapters/node');
  const { Node } = await import('@bolt/packstream');
  const table = Array.from({ length: ROWS }, (_, i) => [i, `name-${i}`, i * 1.5]);
  const nodes = Array.from({ length: ROWS }, (_, i) => [
    new Node(i, ['Person'], { name: `name-${i}`, age: i % 100 }, `4:bench:${i}`),
  ]);
  const server = createServer({
    agent: 'Neo4j/5.26.0',
    handler: {
      authenticate: () => ({ username: 'bench' }),
      run(query) {
        if (query === 'ROWS') return { fields: ['i', 's', 'f'], records: table };
        if (query === 'NODES') return { fields: ['n'], records: nodes };
        return { fields: ['x'], records: [[1]] };
      },
    },
  });
  const listener = await server.listen(tcp(), { host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ port: listener.address.port })}\n`);
  process.on('SIGTERM', () => server.close({ graceMs: 0 }).then(() => process.exit(0)));
}

// ---------------------------------------------------------------------------------------------
// client processes: one workload, one client, warm-up + one timed measurement

async function ours(port) {
  const { driver, auth } = await import('@bolt/client/node');
  const d = driver(`bolt://127.0.0.1:${port}`, { auth: auth.basic('neo4j', 'pw') });
  return {
    all: async (q) => (await d.session().run(q)).records.length,
    iterate: async (q) => {
      let n = 0;
      for await (const _ of d.session().run(q)) n++;
      return n;
    },
    session: () => {
      const s = d.session();
      return {
        small: async () => (await s.run('RETURN 1')).records.length,
        close: () => s.close(),
      };
    },
    close: () => d.close(),
  };
}

async function theirs(port) {
  const neo4j = (await import('neo4j-driver')).default;
  const d = neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic('neo4j', 'pw'));
  return {
    all: async (q) => {
      const s = d.session();
      const r = await s.run(q);
      await s.close();
      return r.records.length;
    },
    iterate: async (q) => {
      const s = d.session();
      let n = 0;
      for await (const _ of s.run(q)) n++;
      await s.close();
      return n;
    },
    session: () => {
      const s = d.session();
      return {
        small: async () => (await s.run('RETURN 1')).records.length,
        close: () => s.close(),
      };
    },
    close: () => d.close(),
  };
}

async function timed(fn, ms) {
  let units = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    units += await fn();
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return units / (elapsed / 1000);
}

async function rawCeiling(port) {
  // The same bytes as the ROWS answer, read without decoding: learn their length once through
  // our client's wire, then time RUN+PULL round trips that only count bytes.
  const net = await import('node:net');
  const { ChunkWriter } = await import('@bolt/chunking');
  const { MessageCodec, ClientHandshake } = await import('@bolt/parser');
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  const hs = new ClientHandshake({ proposals: [{ major: 5, minor: 8, range: 8 }] });
  socket.write(hs.hello);
  let waiting;
  let received = 0;
  let target = 0;
  let handshake = true;
  let leftover;
  socket.on('data', (chunk) => {
    if (handshake) {
      const r = hs.push(chunk);
      if (r) {
        handshake = false;
        leftover = r;
        waiting?.();
      }
      return;
    }
    received += chunk.length;
    if (target > 0 && received >= target) waiting?.();
  });
  await new Promise((r) => {
    waiting = r;
  });
  const codec = new MessageCodec({ version: leftover.version });
  const w = new ChunkWriter();
  codec.encodeRequest(
    { type: 'HELLO', extra: { user_agent: 'raw/1', bolt_agent: { product: 'raw/1' } } },
    w,
  );
  codec.encodeRequest(
    { type: 'LOGON', auth: { scheme: 'basic', principal: 'neo4j', credentials: 'pw' } },
    w,
  );
  socket.write(w.flush());
  await new Promise((r) => setTimeout(r, 100));
  received = 0;
  codec.encodeRequest({ type: 'RUN', query: 'ROWS', parameters: {}, extra: {} }, w);
  codec.encodeRequest({ type: 'PULL', extra: { n: -1 } }, w);
  const request = w.flush();
  // learn the answer's size: wait until the stream goes quiet
  socket.write(request);
  let last = -1;
  while (received !== last) {
    last = received;
    await new Promise((r) => setTimeout(r, 200));
  }
  const size = received;
  const once = () =>
    new Promise((resolve) => {
      received = 0;
      target = size;
      waiting = () => {
        target = 0;
        resolve(ROWS);
      };
      socket.write(request);
    });
  await timed(once, WARMUP_MS);
  const rate = await timed(once, MEASURE_MS);
  socket.destroy();
  return { rate, bytes: size };
}

async function clientMain(which, workload, port) {
  const c = which === 'ours' ? await ours(port) : await theirs(port);
  let fn;
  let close = async () => {};
  if (workload === 'all') fn = () => c.all('ROWS');
  else if (workload === 'iterate') fn = () => c.iterate('ROWS');
  else if (workload === 'nodes') fn = () => c.all('NODES');
  else if (workload === 'memory' || workload === 'memory-iterate') {
    // fixed work (not a timed loop, where the faster client would do more): 10 queries of 100k
    // rows, one after the other, all at once or through the iterator; the result is the peak
    // RSS of the process
    for (let i = 0; i < 10; i++) await (workload === 'memory' ? c.all('ROWS') : c.iterate('ROWS'));
    await c.close();
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(`${JSON.stringify({ rate: peakRssMb, peakRssMb })}\n`);
    return;
  } else if (workload === 'sequential') {
    const s = c.session();
    fn = s.small;
    close = s.close;
  } else if (workload === 'concurrent') {
    const sessions = Array.from({ length: CONCURRENCY }, () => c.session());
    fn = async () => {
      const n = await Promise.all(sessions.map((s) => s.small()));
      return n.length;
    };
    close = () => Promise.all(sessions.map((s) => s.close()));
  } else throw new Error(`unknown workload ${workload}`);
  await timed(fn, WARMUP_MS);
  const rate = await timed(fn, MEASURE_MS);
  await close();
  await c.close();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ rate, peakRssMb })}\n`);
}

// ---------------------------------------------------------------------------------------------
// orchestration

function child(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) reject(new Error(`child ${args.join(' ')} exited ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

function startServer() {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [SELF, '--server'], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.once('data', (d) => resolve({ port: JSON.parse(String(d)).port, proc: p }));
    p.on('error', reject);
  });
}

export async function run() {
  const { port, proc } = await startServer();
  const rows = [];
  try {
    const workloads = [
      ['all', '100k rows [int, string, float], all at once', 'records/s'],
      ['iterate', '100k rows [int, string, float], async iterator', 'records/s'],
      ['nodes', '100k rows holding a Node, all at once', 'records/s'],
      ['sequential', 'RETURN 1, sequential, one session', 'queries/s'],
      ['concurrent', `RETURN 1, ${CONCURRENCY} concurrent sessions`, 'queries/s'],
    ];
    const only = process.env.BENCH_WORKLOADS?.split(',');
    for (const [w, label, unit] of workloads) {
      if (only && !only.includes(w)) continue;
      const a = [];
      const b = [];
      for (let i = 0; i < RUNS; i++) {
        const x = await child(['--client=ours', `--workload=${w}`, `--port=${port}`]);
        const y = await child(['--client=theirs', `--workload=${w}`, `--port=${port}`]);
        a.push(x.rate);
        b.push(y.rate);
      }
      rows.push(
        row({
          suite: 'client',
          workload: label,
          op: w,
          unit,
          ours: median(a),
          peer: 'neo4j-driver',
          theirs: median(b),
        }),
      );
    }
    if (only && !only.includes('memory')) return rows;
    for (const [w, label] of [
      ['memory', '10 x 100k rows all at once: peak RSS of the client process'],
      ['memory-iterate', '10 x 100k rows through the iterator: peak RSS of the client process'],
    ]) {
      const ma = [];
      const mb = [];
      for (let i = 0; i < RUNS; i++) {
        ma.push((await child(['--client=ours', `--workload=${w}`, `--port=${port}`])).peakRssMb);
        mb.push((await child(['--client=theirs', `--workload=${w}`, `--port=${port}`])).peakRssMb);
      }
      rows.push(
        row({
          suite: 'client',
          workload: label,
          op: w === 'memory' ? 'peak-rss' : 'peak-rss-iterate',
          unit: 'MB',
          ours: median(ma),
          peer: 'neo4j-driver',
          theirs: median(mb),
          higherIsBetter: false,
        }),
      );
    }
    if (only && !only.includes('raw')) return rows;
    const raw = [];
    for (let i = 0; i < RUNS; i++) raw.push((await child(['--raw', `--port=${port}`])).rate);
    const ceiling = median(raw);
    const ours = rows.find((r) => r.op === 'all')?.ours ?? Number.NaN;
    rows.push(
      row({
        suite: 'client',
        workload: '100k rows: raw socket ceiling (same bytes, no decoding) vs ours all at once',
        op: 'raw-ceiling',
        unit: 'records/s',
        ours,
        peer: 'raw socket',
        theirs: ceiling,
      }),
    );
  } finally {
    proc.kill('SIGTERM');
  }
  return rows;
}

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
if (process.argv[1] === SELF) {
  if (process.argv.includes('--server')) await serveForever();
  else if (process.argv.includes('--raw')) {
    const r = await rawCeiling(Number(arg('port')));
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } else if (arg('client')) await clientMain(arg('client'), arg('workload'), Number(arg('port')));
}
