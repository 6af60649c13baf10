// Client benchmark: @bolt/client vs the official neo4j-driver (6.3.0), same server, same data.
//
// One @bolt/server process answers from memory over TCP. Every measurement runs in a fresh
// child process (so each client's peak RSS is its own): ours and theirs alternate, each run
// measures for a fixed time after a warm-up, and the median of the runs is reported. The
// throughput workloads read every value of every record once (`get(i)` for each column), so a
// client that decodes lazily pays for its decoding inside the measurement.
// Two ceilings are measured in the same run, alternating with ours: the raw socket reads the very
// bytes of the 100k-row answer without decoding them, and the raw ping-pong sends the bytes of
// RUN "RETURN 1" + PULL and waits for the bytes of its answer, one query at a time. Beside the
// ping-pong, the same loop with our codec encoding each query and decoding each answer (no
// driver) shows what any client that reads its answers can reach against it. The sequential
// workload is also measured with ours, the ping-pong and the codec alone taking 100 ms turns in
// one child process (`--interleaved`), so that all three see the same state of the machine.
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
/** The interleaved sequential measurement: time per contender, and the length of a turn. */
const INTERLEAVED_MS = Number(process.env.BENCH_INTERLEAVED_MS ?? 3000);
const TURN_MS = 100;
const CONCURRENCY = 20;
/** Connections opened (and then left idle in the pool) by the `pooled` workload. */
const POOLED = 500;
const STREAM_ROWS = Number(process.env.BENCH_STREAM_ROWS ?? 10_000_000);
const STREAM_RUNS = Number(process.env.BENCH_STREAM_RUNS ?? 1);
/** Allowed client RSS growth while streaming STREAM_ROWS rows (issue target). */
const STREAM_RSS_LIMIT_MB = 20;

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
      run(query, parameters) {
        if (query === 'ROWS') return { fields: ['i', 's', 'f'], records: table };
        if (query === 'NODES') return { fields: ['n'], records: nodes };
        if (query === 'STREAM') return { fields: ['i', 's', 'f'], records: stream(parameters.n) };
        return { fields: ['x'], records: [[1]] };
      },
    },
  });
  // rows made as they are pulled: the server holds none of them
  function* stream(n) {
    for (let i = 0; i < n; i++) yield [i, `name-${i}`, i * 1.5];
  }
  const listener = await server.listen(tcp(), { host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ port: listener.address.port })}\n`);
  process.on('SIGTERM', () => server.close({ graceMs: 0 }).then(() => process.exit(0)));
}

// ---------------------------------------------------------------------------------------------
// client processes: one workload, one client, warm-up + one timed measurement

/** Read every value of a record once (both drivers: `length` and `get(i)`). */
function readValues(r) {
  let n = 0;
  for (let i = 0; i < r.length; i++) if (r.get(i) !== undefined) n++;
  return n;
}

function readAll(records) {
  for (let i = 0; i < records.length; i++) readValues(records[i]);
  return records.length;
}

async function ours(port, config = {}) {
  const { driver, auth } = await import('@bolt/client/node');
  const d = driver(`bolt://127.0.0.1:${port}`, { auth: auth.basic('neo4j', 'pw'), ...config });
  return {
    executeQuery: async () => (await d.executeQuery('RETURN 1')).records.length,
    all: async (q) => readAll((await d.session().run(q)).records),
    records: async (q) => {
      const s = d.session();
      const { records } = await s.run(q);
      await s.close();
      return records;
    },
    iterate: async (q, parameters, onCount) => {
      let n = 0;
      for await (const r of d.session().run(q, parameters)) {
        readValues(r);
        n++;
        onCount?.(n);
      }
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

async function theirs(port, config = {}) {
  const neo4j = (await import('neo4j-driver')).default;
  const d = neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic('neo4j', 'pw'), config);
  return {
    executeQuery: async () => (await d.executeQuery('RETURN 1')).records.length,
    all: async (q) => {
      const s = d.session();
      const r = await s.run(q);
      await s.close();
      return readAll(r.records);
    },
    records: async (q) => {
      const s = d.session();
      const r = await s.run(q);
      await s.close();
      return r.records;
    },
    iterate: async (q, parameters, onCount) => {
      const s = d.session();
      let n = 0;
      for await (const r of s.run(q, parameters)) {
        readValues(r);
        n++;
        onCount?.(n);
      }
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

/**
 * A raw Bolt 5.8 connection (handshake, HELLO, LOGON done) that reads answers without decoding
 * them: it only walks the chunk headers to count whole messages (an answer's size in bytes
 * varies from run to run, e.g. with the timings in its summary).
 */
async function rawConnection(port, { decode = false } = {}) {
  const net = await import('node:net');
  const { ChunkWriter, Dechunker } = await import('@bolt/chunking');
  const { MessageCodec, ClientHandshake } = await import('@bolt/parser');
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  const hs = new ClientHandshake({ proposals: [{ major: 5, minor: 8, range: 8 }] });
  socket.write(hs.hello);
  // messages: whole messages received; left: bytes left of the current chunk (-1: in the
  // middle of a chunk header, whose first byte is `high`)
  const state = { messages: 0, target: 0, waiting: undefined, left: 0, high: -1 };
  let handshake = true;
  let negotiated;
  const walk = (chunk) => {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (state.left > 0) {
        const take = Math.min(state.left, n - i);
        state.left -= take;
        i += take;
        continue;
      }
      let size;
      if (state.high >= 0) {
        size = (state.high << 8) | chunk[i++];
        state.high = -1;
      } else if (i + 1 < n) {
        size = (chunk[i] << 8) | chunk[i + 1];
        i += 2;
      } else {
        state.high = chunk[i++];
        continue;
      }
      if (size === 0) state.messages++;
      else state.left = size;
    }
  };
  // decode: every message is decoded by our codec (as a client must), not only counted
  let dechunker;
  socket.on('data', (chunk) => {
    if (handshake) {
      const r = hs.push(chunk);
      if (r) {
        handshake = false;
        negotiated = r;
        state.waiting?.();
      }
      return;
    }
    if (dechunker) dechunker.push(chunk);
    else walk(chunk);
    if (state.target > 0 && state.messages >= state.target) state.waiting?.();
  });
  await new Promise((r) => {
    state.waiting = r;
  });
  const codec = new MessageCodec({ version: negotiated.version });
  const w = new ChunkWriter();
  if (decode)
    dechunker = new Dechunker({
      onMessageAt: (bytes, start, end) => {
        if (codec.decodeRecord(bytes, start, end) === undefined)
          codec.decodeResponse(bytes, start, end);
        state.messages++;
      },
    });
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
  state.messages = 0;
  /** The bytes of RUN `query` + PULL all. */
  const request = (query) => {
    codec.encodeRequest({ type: 'RUN', query, parameters: {}, extra: {} }, w);
    codec.encodeRequest({ type: 'PULL', extra: { n: -1 } }, w);
    return w.flush();
  };
  /** Learn how many messages answer `bytes`: send once, wait until the stream goes quiet. */
  const answerSize = async (bytes) => {
    state.messages = 0;
    socket.write(bytes);
    let last = -1;
    while (state.messages !== last) {
      last = state.messages;
      await new Promise((r) => setTimeout(r, 200));
    }
    return state.messages;
  };
  /** Send `bytes`, resolve with `units` once `count` messages came back. */
  const roundTrip = (bytes, count, units) =>
    new Promise((resolve) => {
      state.messages = 0;
      state.target = count;
      state.waiting = () => {
        state.target = 0;
        resolve(units);
      };
      socket.write(bytes);
    });
  /** `roundTrip` with the request encoded anew each time (RUN `query` + PULL all). */
  const encodedRoundTrip = (query, count, units) => roundTrip(request(query), count, units);
  return { request, answerSize, roundTrip, encodedRoundTrip, close: () => socket.destroy() };
}

async function rawCeiling(port) {
  // The same bytes as the ROWS answer, read without decoding: time RUN+PULL round trips that
  // only count bytes.
  const raw = await rawConnection(port);
  const request = raw.request('ROWS');
  const messages = await raw.answerSize(request);
  if (messages !== ROWS + 2) throw new Error(`ROWS answered with ${messages} messages`);
  const once = () => raw.roundTrip(request, messages, ROWS);
  await timed(once, WARMUP_MS);
  const rate = await timed(once, MEASURE_MS);
  raw.close();
  return { rate };
}

async function rawPingPong(port) {
  // The bytes of one RETURN 1 query and its answer, one at a time: the round-trip ceiling of the
  // sequential workload on this machine, in this run.
  const raw = await rawConnection(port);
  const request = raw.request('RETURN 1');
  const messages = await raw.answerSize(request);
  if (messages !== 3) throw new Error(`RETURN 1 answered with ${messages} messages`);
  const once = () => raw.roundTrip(request, messages, 1);
  await timed(once, WARMUP_MS);
  const rate = await timed(once, MEASURE_MS);
  raw.close();
  return { rate };
}

async function codecPingPong(port) {
  // The least a client that reads its answers does, one query at a time: our codec encodes
  // RUN "RETURN 1" + PULL and decodes the three answers, with no driver around it.
  const raw = await rawConnection(port, { decode: true });
  const messages = await raw.answerSize(raw.request('RETURN 1'));
  if (messages !== 3) throw new Error(`RETURN 1 answered with ${messages} messages`);
  const once = () => raw.encodedRoundTrip('RETURN 1', messages, 1);
  await timed(once, WARMUP_MS);
  const rate = await timed(once, MEASURE_MS);
  raw.close();
  return { rate };
}

/**
 * The sequential workload and its ceilings in one process: ours (one session, `RETURN 1` after
 * `RETURN 1`), the raw ping-pong and our codec alone, each on its own connection to the same
 * server, take turns of TURN_MS for INTERLEAVED_MS each. Whatever else the machine does then
 * falls on all three alike: the shares of the ceiling are read without the drift between the
 * child processes of the other rows, where a run of ours and the ceiling's run are seconds apart.
 */
async function interleavedPingPong(port) {
  const raw = await rawConnection(port);
  const request = raw.request('RETURN 1');
  const messages = await raw.answerSize(request);
  if (messages !== 3) throw new Error(`RETURN 1 answered with ${messages} messages`);
  const codec = await rawConnection(port, { decode: true });
  const c = await ours(port);
  const s = c.session();
  const contenders = [
    ['ours', s.small],
    ['raw', () => raw.roundTrip(request, messages, 1)],
    ['codec', () => codec.encodedRoundTrip('RETURN 1', messages, 1)],
  ];
  for (const [, fn] of contenders) await timed(fn, WARMUP_MS);
  const totals = Object.fromEntries(contenders.map(([name]) => [name, { units: 0, ms: 0 }]));
  for (let turn = 0; turn < INTERLEAVED_MS / TURN_MS; turn++) {
    // each contender goes first, second and third equally often
    for (let k = 0; k < contenders.length; k++) {
      const [name, fn] = contenders[(turn + k) % contenders.length];
      const t = totals[name];
      const start = performance.now();
      do t.units += await fn();
      while (performance.now() - start < TURN_MS);
      t.ms += performance.now() - start;
    }
  }
  await s.close();
  await c.close();
  raw.close();
  codec.close();
  const rate = (name) => totals[name].units / (totals[name].ms / 1000);
  return { rate: rate('ours'), raw: rate('raw'), codec: rate('codec') };
}

/** Bytes the heap (and array buffers) hold, after full collections. */
async function liveBytes() {
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 3; i++) globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Retained bytes per held record: heap + array buffers after full GCs with one whole result
 * referenced, minus the same measure before it (after two warm-up queries were dropped).
 * `read`: every value is read once before measuring (a lazily decoding client may keep more).
 */
async function retained(c, query, read) {
  readAll(await c.records(query));
  readAll(await c.records(query));
  const before = await liveBytes();
  const held = await c.records(query);
  if (read) readAll(held);
  const after = await liveBytes();
  if (held.length !== ROWS) throw new Error(`expected ${ROWS} records, got ${held.length}`);
  return (after - before) / held.length;
}

/**
 * One result of STREAM_ROWS rows through the iterator, every value read: the growth of the
 * client's RSS from the first 10% of the stream (the steady state) to the highest sample.
 */
async function streamRss(c) {
  const step = 100_000;
  let base = 0;
  let peak = 0;
  let n = 0;
  const t0 = performance.now();
  await c.iterate('STREAM', { n: STREAM_ROWS }, (count) => {
    if (count % step !== 0) return;
    const rss = process.memoryUsage.rss();
    if (count === STREAM_ROWS / 10) base = rss;
    if (count >= STREAM_ROWS / 10) peak = Math.max(peak, rss);
    n = count;
  });
  const seconds = (performance.now() - t0) / 1000;
  return { growthMb: (peak - base) / 2 ** 20, rowsPerSecond: n / seconds };
}

/**
 * Bytes per idle pooled connection: heap + array buffers after full GCs, before and after
 * POOLED sessions ran one query each at the same time (each on a connection of its own) and
 * were closed, leaving their connections idle in the pool. Also the RSS per connection.
 */
async function pooledBytes(c) {
  await c.session().small();
  const rss0 = process.memoryUsage.rss();
  const before = await liveBytes();
  const sessions = Array.from({ length: POOLED }, () => c.session());
  await Promise.all(sessions.map((s) => s.small()));
  await Promise.all(sessions.map((s) => s.close()));
  const after = await liveBytes();
  return {
    bytes: (after - before) / POOLED,
    rssBytes: (process.memoryUsage.rss() - rss0) / POOLED,
  };
}

async function clientMain(which, workload, port) {
  const config = workload === 'pooled' ? { maxConnectionPoolSize: POOLED + 10 } : {};
  const c = which === 'ours' ? await ours(port, config) : await theirs(port, config);
  let fn;
  let close = async () => {};
  if (workload === 'all') fn = () => c.all('ROWS');
  else if (workload === 'iterate') fn = () => c.iterate('ROWS');
  else if (workload === 'nodes') fn = () => c.all('NODES');
  else if (workload === 'execute-query') fn = c.executeQuery;
  else if (workload === 'pooled') {
    const r = await pooledBytes(c);
    await c.close();
    console.error(`pooled, ${which}: RSS +${(r.rssBytes / 1024).toFixed(1)} KB per connection`);
    process.stdout.write(`${JSON.stringify({ rate: r.bytes / 1024, rssKb: r.rssBytes / 1024 })}\n`);
    return;
  } else if (workload.startsWith('retained')) {
    const query = workload.includes('nodes') ? 'NODES' : 'ROWS';
    const bytes = await retained(c, query, workload.endsWith('-read'));
    await c.close();
    process.stdout.write(`${JSON.stringify({ rate: bytes })}\n`);
    return;
  } else if (workload === 'stream') {
    const r = await streamRss(c);
    await c.close();
    process.stdout.write(`${JSON.stringify({ rate: r.growthMb, ...r })}\n`);
    return;
  } else if (workload === 'memory' || workload === 'memory-iterate') {
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
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const rate = await timed(fn, MEASURE_MS);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await close();
  await c.close();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  // cpuRate: units per CPU-second of this process (a shared machine's load aside)
  const cpuRate = (rate * wall) / ((cpu.user + cpu.system) / 1e6);
  process.stdout.write(`${JSON.stringify({ rate, cpuRate, peakRssMb })}\n`);
}

// ---------------------------------------------------------------------------------------------
// orchestration

function child(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', SELF, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
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
  const only = process.env.BENCH_WORKLOADS?.split(',');
  const wanted = (w) => !only || only.includes(w);
  const measure = async (args) => (await child([...args, `--port=${port}`])).rate;
  try {
    // throughput, ours vs the official driver; `all` and `sequential` also alternate with
    // their raw ceiling
    const ceilings = {
      all: {
        args: ['--raw'],
        op: 'raw-ceiling',
        peer: 'raw socket',
        workload: '100k rows, all at once vs the raw socket ceiling (same bytes, not decoded)',
      },
      sequential: {
        args: ['--ping-pong'],
        op: 'ping-pong-ceiling',
        peer: 'raw ping-pong',
        workload: 'RETURN 1, sequential vs the raw ping-pong ceiling (same bytes, not decoded)',
        // what our codec alone reaches in the same rounds: the floor of a client that reads
        // its answers, set against the same ping-pong
        floor: {
          args: ['--codec-pong'],
          op: 'codec-pong-vs-ping-pong',
          workload:
            'RETURN 1, sequential: our codec alone (answers decoded, queries encoded, no driver) vs the raw ping-pong',
        },
      },
    };
    const workloads = [
      ['all', '100k rows [int, string, float], all at once', 'records/s'],
      ['iterate', '100k rows [int, string, float], async iterator', 'records/s'],
      ['nodes', '100k rows holding a Node, all at once', 'records/s'],
      ['sequential', 'RETURN 1, sequential, one session', 'queries/s'],
      ['concurrent', `RETURN 1, ${CONCURRENCY} concurrent sessions`, 'queries/s'],
      ['execute-query', 'driver.executeQuery("RETURN 1"), sequential', 'queries/s'],
    ];
    for (const [w, label, unit] of workloads) {
      if (!wanted(w)) continue;
      const a = [];
      const b = [];
      const c = [];
      const f = [];
      const ceiling = ceilings[w];
      for (let i = 0; i < RUNS; i++) {
        a.push(await measure(['--client=ours', `--workload=${w}`]));
        b.push(await measure(['--client=theirs', `--workload=${w}`]));
        if (ceiling) c.push(await measure(ceiling.args));
        if (ceiling?.floor) f.push(await measure(ceiling.floor.args));
      }
      const ours = median(a);
      rows.push(
        row({
          suite: 'client',
          workload: label,
          op: w,
          unit,
          ours,
          peer: 'neo4j-driver',
          theirs: median(b),
        }),
      );
      // against a ceiling, each run of ours is also set against the ceiling's run of the same
      // round (seconds apart, so in much the same state of a shared machine): `pairedRatio` is
      // the median of those ratios, steadier from run to run than the ratio of the medians
      if (ceiling)
        rows.push({
          ...row({
            suite: 'client',
            workload: ceiling.workload,
            op: ceiling.op,
            unit,
            ours,
            peer: ceiling.peer,
            theirs: median(c),
          }),
          runs: { ours: a, limit: c },
          pairedRatio: median(a.map((x, i) => x / c[i])),
        });
      if (ceiling?.floor)
        rows.push({
          ...row({
            suite: 'client',
            workload: ceiling.floor.workload,
            op: ceiling.floor.op,
            unit,
            ours: median(f),
            peer: ceiling.peer,
            theirs: median(c),
          }),
          runs: { ours: f, limit: c },
          pairedRatio: median(f.map((x, i) => x / c[i])),
        });
    }
    // the sequential workload and its two ceilings again, taking turns in one process (see
    // interleavedPingPong): the steadier reading of the share of the ping-pong
    if (wanted('sequential') || wanted('interleaved')) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await child(['--interleaved', `--port=${port}`]));
      for (const [name, op, workload] of [
        [
          'rate',
          'ping-pong-interleaved',
          `RETURN 1, sequential vs the raw ping-pong, taking ${TURN_MS} ms turns in one process`,
        ],
        [
          'codec',
          'codec-pong-interleaved',
          `RETURN 1, sequential: our codec alone vs the raw ping-pong, taking ${TURN_MS} ms turns in one process`,
        ],
      ])
        rows.push({
          ...row({
            suite: 'client',
            workload,
            op,
            unit: 'queries/s',
            ours: median(runs.map((r) => r[name])),
            peer: 'raw ping-pong',
            theirs: median(runs.map((r) => r.raw)),
          }),
          runs: { ours: runs.map((r) => r[name]), limit: runs.map((r) => r.raw) },
          pairedRatio: median(runs.map((r) => r[name] / r.raw)),
        });
    }
    // memory: bytes per held record, then peak RSS of fixed work (lower is better)
    const memory = [
      ['retained', 'bytes per held record, 100k rows [int, string, float]', 'B/record'],
      [
        'retained-read',
        'bytes per held record, 100k rows [int, string, float], every value read',
        'B/record',
      ],
      ['retained-nodes', 'bytes per held record, 100k rows holding a Node', 'B/record'],
      [
        'retained-nodes-read',
        'bytes per held record, 100k rows holding a Node, every value read',
        'B/record',
      ],
      ['memory', '10 x 100k rows all at once: peak RSS of the client process', 'MB'],
      [
        'memory-iterate',
        '10 x 100k rows through the iterator: peak RSS of the client process',
        'MB',
      ],
      [
        'pooled',
        `${POOLED} idle pooled connections: heap + array buffers per connection`,
        'KB/connection',
      ],
    ];
    for (const [w, label, unit] of memory) {
      if (!wanted(w)) continue;
      const a = [];
      const b = [];
      for (let i = 0; i < RUNS; i++) {
        a.push(await measure(['--client=ours', `--workload=${w}`]));
        b.push(await measure(['--client=theirs', `--workload=${w}`]));
      }
      const op = w === 'memory' ? 'peak-rss' : w === 'memory-iterate' ? 'peak-rss-iterate' : w;
      rows.push(
        row({
          suite: 'client',
          workload: label,
          op,
          unit,
          ours: median(a),
          peer: 'neo4j-driver',
          theirs: median(b),
          higherIsBetter: false,
        }),
      );
    }
    // scale: one long result through both ends; the reference is the allowed growth
    if (wanted('stream')) {
      const g = [];
      for (let i = 0; i < STREAM_RUNS; i++) {
        const r = await child(['--client=ours', '--workload=stream', `--port=${port}`]);
        console.error(
          `stream: ${STREAM_ROWS} rows at ${Math.round(r.rowsPerSecond)} rows/s, RSS +${r.growthMb.toFixed(1)} MB`,
        );
        g.push(r.growthMb);
      }
      rows.push(
        row({
          suite: 'client',
          workload: `one result of ${STREAM_ROWS / 1e6}M rows through the iterator: client RSS growth after the first 10%`,
          op: 'stream-rss',
          unit: 'MB',
          ours: Math.max(median(g), 0.1),
          peer: 'limit',
          theirs: STREAM_RSS_LIMIT_MB,
          higherIsBetter: false,
        }),
      );
    }
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
  } else if (process.argv.includes('--ping-pong')) {
    const r = await rawPingPong(Number(arg('port')));
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } else if (process.argv.includes('--interleaved')) {
    const r = await interleavedPingPong(Number(arg('port')));
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } else if (process.argv.includes('--codec-pong')) {
    const r = await codecPingPong(Number(arg('port')));
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } else if (arg('client')) await clientMain(arg('client'), arg('workload'), Number(arg('port')));
}
