import { packageBuild } from '../../tsup.base';

export default packageBuild({ platform: 'node', entry: ['src/index.ts', 'src/bolt.ts'] });
