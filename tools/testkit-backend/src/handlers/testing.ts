import type { Context } from '../context.js';
import { FEATURES } from '../features.js';
import { skipReason } from '../skip-list.js';

type Data = Record<string, any>;

export function GetFeatures(ctx: Context): void {
  ctx.write('FeatureList', { features: [...FEATURES] });
}

export function StartTest(ctx: Context, d: Data): void {
  const reason = skipReason(String(d.testName));
  if (reason) ctx.write('SkipTest', { reason });
  else ctx.write('RunTest', null);
}

export function StartSubTest(ctx: Context, d: Data): void {
  const reason = skipReason(String(d.testName));
  if (reason) ctx.write('SkipTest', { reason });
  else ctx.write('RunTest', null);
}
