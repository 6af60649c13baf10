// Run by bundle-closures.test.ts in a process of its own: how many functions the BUILT client
// and server rename per operation. The bundles keep function names (tsup `keepNames`): a function
// made where JavaScript infers a name (`const f = () => ...`, `{ onClose: () => ... }`) is
// renamed by `Object.defineProperty(fn, 'name', ...)` each time it is made, which costs more
// than making it. Prints one JSON line: { [operation]: { [function name]: count per op } }.
const define = Object.defineProperty;
let counting = false;
let names = new Map();
Object.defineProperty = (target, key, descriptor) => {
  if (counting && key === 'name' && typeof target === 'function') {
    const n = String(descriptor.value);
    names.set(n, (names.get(n) ?? 0) + 1);
  }
  return define(target, key, descriptor);
};

const { driver, auth } = await import('@bolt/client');
const { createServer } = await import('@bolt/server');
const { memoryNetwork } = await import('@bolt/net-adapters');

const net = memoryNetwork();
const server = createServer({
  handler: {
    authenticate: () => ({ username: 'u' }),
    run: () => ({ fields: ['n'], records: [[1], [2], [3]], summary: { bookmark: 'bm' } }),
  },
});
const listener = await server.listen(net.listener, { port: 0 });
const d = driver(`bolt://localhost:${listener.address.port}`, {
  auth: auth.basic('u', 'p'),
  netModule: net.module,
});
const shared = d.session();

const operations = {
  'session.run (one session)': async () => (await shared.run('RETURN 1')).records,
  'a session per query': async () => {
    const s = d.session();
    const r = await s.run('RETURN 1');
    await s.close();
    return r;
  },
  'iterating a result': async () => {
    let n = 0;
    for await (const _ of shared.run('RETURN 1')) n++;
    return n;
  },
  executeQuery: () => d.executeQuery('RETURN 1'),
  executeRead: async () => {
    const s = d.session();
    const r = await s.executeRead((tx) => tx.run('RETURN 1'));
    await s.close();
    return r;
  },
  'explicit transaction': async () => {
    const s = d.session();
    const tx = await s.beginTransaction();
    await tx.run('RETURN 1');
    await tx.commit();
    await s.close();
  },
};

const N = 20;
const out = {};
for (const [name, op] of Object.entries(operations)) {
  for (let i = 0; i < 5; i++) await op();
  names = new Map();
  counting = true;
  for (let i = 0; i < N; i++) await op();
  counting = false;
  out[name] = Object.fromEntries([...names].map(([k, v]) => [k, v / N]));
}
await shared.close();
await d.close();
await listener.close();
await server.close({ graceMs: 0 });
process.stdout.write(`${JSON.stringify(out)}\n`);
