import { packageBuild } from '../../tsup.base';

export default packageBuild({ platform: 'node', entry: ['src/bolt.ts'], dts: false });
