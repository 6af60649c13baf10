import type { Context, ResultEntry } from '../context.js';
import { summaryData } from '../summary.js';
import { recordValues } from './shared.js';

type Data = Record<string, any>;

/** `ResultNext` reads through the result's iterator (PULL fetchSize at a time). */
export async function ResultNext(ctx: Context, d: Data): Promise<void> {
  const entry: ResultEntry = ctx.result(d.resultId);
  entry.iterator ??= entry.result[Symbol.asyncIterator]();
  const next = await entry.iterator.next();
  if (next.done) ctx.write('NullRecord', {});
  else ctx.write('Record', { values: recordValues(next.value) });
}

/** `ResultSingle`: the client's `single()` (exactly one record left, else an error). */
export async function ResultSingle(ctx: Context, d: Data): Promise<void> {
  const record = await ctx.result(d.resultId).result.single();
  ctx.write('Record', { values: recordValues(record) });
}

/** `ResultSingleOptional`: the client's `singleOptional()` (the record, or none; several are a
 *  usage error, where the official drivers warn). */
export async function ResultSingleOptional(ctx: Context, d: Data): Promise<void> {
  const record = await ctx.result(d.resultId).result.singleOptional();
  ctx.write('RecordOptional', {
    record: record ? { values: recordValues(record) } : null,
    warnings: [],
  });
}

/** `ResultPeek`: the next record without taking it (`peek()`). */
export async function ResultPeek(ctx: Context, d: Data): Promise<void> {
  const record = await ctx.result(d.resultId).result.peek();
  if (record === undefined) ctx.write('NullRecord', {});
  else ctx.write('Record', { values: recordValues(record) });
}

/** `ResultList`: every record not read yet (`records()`). */
export async function ResultList(ctx: Context, d: Data): Promise<void> {
  const records = await ctx.result(d.resultId).result.records();
  ctx.write('RecordList', { records: records.map((r) => ({ values: recordValues(r) })) });
}

/** `ResultConsume`: discard the rest (`consume()`) and report the summary. */
export async function ResultConsume(ctx: Context, d: Data): Promise<void> {
  const summary = await ctx.result(d.resultId).result.consume();
  ctx.write('Summary', summaryData(summary));
}
