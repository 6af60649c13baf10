// `@bolt/net-adapters/testing`: the transport behaviour suite our own modules pass, for the
// authors of other modules. Portable (no node:*), no test framework required.
export { fnv1a, prng, randomBytes, settlesWithin, within } from './testing/bytes.js';
export {
  collect,
  type OpenPair,
  pump,
  type Received,
  type TestFramework,
  type TransportCheck,
  type TransportSuiteOptions,
  transportChecks,
  transportSuite,
} from './testing/transport-checks.js';
