export { ManualClock } from './manual-clock.js';
export { RECORDED_DIR, recordedScript, recordedScripts } from './recorded.js';
export {
  failure,
  RECORDED_SCENARIOS,
  type RecordedCluster,
  type RecordedScenario,
} from './recorded-scenarios.js';
export type * from './scenario-driver.js';
export {
  concat,
  DAMAGES,
  type Damage,
  damage,
  pick,
  prng,
  SAMPLED_VERSIONS,
  type Settled,
  settles,
} from './seeded.js';
export { selfSignedCert } from './self-signed.js';
export { strangeValue } from './strange-values.js';
export { websocketFrame } from './websocket-frame.js';
