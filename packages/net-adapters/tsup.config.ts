import { packageBuild } from '../../tsup.base';

export default packageBuild({
  entry: ['src/index.ts', 'src/node.ts', 'src/testing.ts'],
  external: ['ws', /^node:/],
  // Keep 'node:net' etc. as written: the node entry is Node-only, and the prefix makes that explicit.
  removeNodeProtocol: false,
});
