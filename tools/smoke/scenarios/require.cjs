// CommonJS: require() the packages, and get the very classes `import` gets (one copy each).
const packstream = require('@bolt/packstream');
const client = require('@bolt/client');
const server = require('@bolt/server');
const chunking = require('@bolt/chunking');
const parser = require('@bolt/parser');
const netAdapters = require('@bolt/net-adapters');
const netNode = require('@bolt/net-adapters/node');

let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(
      `not ok - ${name}: ${String(e?.stack ?? e)
        .split('\n')
        .slice(0, 3)
        .join(' | ')}`,
    );
  }
}
function same(a, b, what) {
  if (!Object.is(a, b)) throw new Error(`${what}: expected ${String(b)}, got ${String(a)}`);
}

(async () => {
  await check('require: every package and entry loads from CommonJS', () => {
    same(typeof packstream.Encoder, 'function', '@bolt/packstream Encoder');
    same(typeof chunking.ChunkWriter, 'function', '@bolt/chunking ChunkWriter');
    same(typeof parser.MessageCodec, 'function', '@bolt/parser MessageCodec');
    same(typeof netAdapters.memoryPair, 'function', '@bolt/net-adapters memoryPair');
    same(typeof netNode.tcp, 'function', '@bolt/net-adapters/node tcp');
    same(typeof client.driver, 'function', '@bolt/client driver');
    same(typeof server.createServer, 'function', '@bolt/server createServer');
  });

  await check(
    'require: import() and require() give the same classes (instanceof holds)',
    async () => {
      const esm = await import('@bolt/packstream');
      same(esm.Node, packstream.Node, 'Node');
      same(esm.Date, packstream.Date, 'Date');
      const esmClient = await import('@bolt/client');
      same(esmClient.BoltError, client.BoltError, 'BoltError');
      same(client.Node, packstream.Node, '@bolt/client re-exports the one Node');
      const node = new esm.Node(1, ['A'], {}, '4:x:1');
      same(
        node instanceof packstream.Node,
        true,
        'an imported Node is an instance of the required class',
      );
    },
  );

  await check('require: a codec round trip from CommonJS', () => {
    const bytes = new packstream.Encoder().encode({ d: new packstream.Date(2024, 2, 29) });
    const back = new packstream.Decoder().decode(bytes);
    same(back.d instanceof packstream.Date, true, 'instanceof');
    same(back.d.toString(), '2024-02-29', 'value');
  });
  process.exitCode = failed > 0 ? 1 : 0;
})();
