import { packageBuild } from '../../tsup.base';

// A Node program, not a library: one entry, no declarations.
export default packageBuild({ entry: ['src/main.ts'], dts: false, platform: 'node' });
