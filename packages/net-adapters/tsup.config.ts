import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['ws', /^node:/],
  // Keep 'node:net' etc. as written: the node entry is Node-only, and the prefix makes that explicit.
  removeNodeProtocol: false,
});
