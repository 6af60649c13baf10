/**
 * The backend program: `node dist/main.js` listens on 127.0.0.1:9876 (or `TEST_BACKEND_PORT`)
 * until it gets SIGINT/SIGTERM. `TESTKIT_BACKEND_LOG=1` prints each request's name.
 */
import { startBackend } from './backend.js';

const port = Number(process.env.TEST_BACKEND_PORT ?? 9876);
const verbose = process.env.TESTKIT_BACKEND_LOG === '1';
const backend = await startBackend({
  host: '127.0.0.1',
  port,
  log: verbose ? (line) => console.log(line) : undefined,
});
console.log(`testkit backend for @bolt/client listening on 127.0.0.1:${backend.port}`);

const stop = () => {
  backend.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
