export { RECORDED_DIR, recordedScript, recordedScripts } from './recorded.js';
export { selfSignedCert } from './self-signed.js';
