#!/usr/bin/env node
// `pnpm demo`: the embedded server + the demo dialogue (or BOLT_URI's server when set).
import { describeFailure, runDemo } from './demo.mjs';

runDemo().then(
  () => process.exit(0),
  (e) => {
    console.error(describeFailure(e));
    process.exit(1);
  },
);
