import type { Context } from '../context.js';
import { BackendError } from '../errors.js';
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

/** `FakeTimeInstall`: from now on the drivers' time moves only by `FakeTimeTick`. */
export function FakeTimeInstall(ctx: Context): void {
  ctx.clock.install();
  ctx.write('FakeTimeAck', null);
}

/** `FakeTimeTick`: the frozen time moves by `incrementMs`, firing the timers that came due. */
export function FakeTimeTick(ctx: Context, d: Data): void {
  const ms = Number(d.incrementMs);
  if (!Number.isFinite(ms) || ms < 0) throw new BackendError(`bad incrementMs: ${d.incrementMs}`);
  if (!ctx.clock.frozen) throw new BackendError('FakeTimeTick without FakeTimeInstall');
  ctx.clock.tick(ms);
  ctx.write('FakeTimeAck', null);
}

/** `FakeTimeUninstall`: the time runs again from where the ticks left it. */
export function FakeTimeUninstall(ctx: Context): void {
  ctx.clock.uninstall();
  ctx.write('FakeTimeAck', null);
}
