// Review: RESET and disconnects racing handler work that is still under way. A handler's late
// answer (a record, a result, an opened transaction) must never reach the client after the
// RESET, its iterators must be stopped, and an abandoned transaction rolled back exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { type BoltServer, createServer, type Handler } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const servers: BoltServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
});

function serve(handler: Handler): BoltServer {
  const server = createServer({ handler });
  servers.push(server);
  return server;
}

const types = (rs: { type: string }[]) => rs.map((r) => r.type);

/** A promise with its resolve function. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('RESET while a record is being produced', () => {
  it('never sends the late record after the RESET SUCCESS', async () => {
    const gate = deferred<IteratorResult<unknown[]>>();
    let nextCalls = 0;
    let returned = 0;
    const server = serve({
      run(query) {
        if (query !== 'SLOW') return { fields: ['x'], records: [[1]] };
        return {
          fields: ['x'],
          records: {
            [Symbol.asyncIterator]: () => ({
              next: () => {
                nextCalls++;
                return nextCalls === 1
                  ? gate.promise
                  : Promise.resolve({ done: true, value: undefined });
              },
              return: () => {
                returned++;
                return Promise.resolve({ done: true, value: undefined });
              },
            }),
          },
        };
      },
    });
    const c = RawClient.overMemory(server);
    await c.login();
    c.send(
      { type: 'RUN', query: 'SLOW', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.until(() => c.countSummaries() >= 1);
    await tick(); // the PULL is now waiting for the first record
    c.send({ type: 'RESET' });
    await c.summaries(3);
    expect(types(c.responses)).toEqual(['SUCCESS', 'IGNORED', 'SUCCESS']);
    expect(returned).toBe(1);
    // The handler's record arrives after the RESET was answered.
    gate.resolve({ done: false, value: ['late'] });
    await tick();
    c.send(
      { type: 'RUN', query: 'FAST', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.summaries(5);
    const after = c.responses.slice(3);
    expect(types(after)).toEqual(['SUCCESS', 'RECORD', 'SUCCESS']);
    expect((after[1] as { fields: unknown[] }).fields).toEqual([1]);
    // The iterator was not asked for more after it was stopped.
    expect(nextCalls).toBe(1);
    c.close();
  });
});

describe('RESET while run() is still computing its result', () => {
  it('stops the iterator of the result that arrives late', async () => {
    const gate = deferred();
    let returned = 0;
    const server = serve({
      async run() {
        await gate.promise;
        return {
          fields: ['x'],
          records: {
            [Symbol.iterator]: () => ({
              next: () => ({ done: false, value: [1] }),
              return: () => {
                returned++;
                return { done: true, value: undefined };
              },
            }),
          },
        };
      },
    });
    const c = RawClient.overMemory(server);
    await c.login();
    c.send({ type: 'RUN', query: 'SLOW', parameters: {}, extra: {} });
    await tick();
    c.send({ type: 'RESET' });
    await c.summaries(2);
    expect(types(c.responses)).toEqual(['IGNORED', 'SUCCESS']);
    gate.resolve();
    await c.until(() => returned > 0, 1000).catch(() => undefined);
    expect(returned).toBe(1);
    c.close();
  });

  it('stops the iterator of a late result when the client disconnected', async () => {
    const gate = deferred();
    let returned = 0;
    const server = serve({
      async run() {
        await gate.promise;
        return {
          fields: ['x'],
          records: {
            [Symbol.iterator]: () => ({
              next: () => ({ done: false, value: [1] }),
              return: () => {
                returned++;
                return { done: true, value: undefined };
              },
            }),
          },
        };
      },
    });
    const c = RawClient.overMemory(server);
    await c.login();
    c.send({ type: 'RUN', query: 'SLOW', parameters: {}, extra: {} });
    await tick();
    c.close();
    await tick();
    gate.resolve();
    await tick();
    expect(returned).toBe(1);
    expect(server.connections).toBe(0);
  });
});

describe('a BEGIN hook still running when the transaction is abandoned', () => {
  it('on disconnect: rollback is called once, after begin finished', async () => {
    const gate = deferred();
    const journal: string[] = [];
    const server = serve({
      run: () => ({ fields: [] }),
      async begin() {
        journal.push('begin:start');
        await gate.promise;
        journal.push('begin:end');
      },
      rollback() {
        journal.push('rollback');
      },
    });
    const c = RawClient.overMemory(server);
    await c.login();
    c.send({ type: 'BEGIN', extra: {} });
    await tick();
    c.close();
    await tick();
    gate.resolve();
    await tick();
    expect(journal).toEqual(['begin:start', 'begin:end', 'rollback']);
  });

  it('on RESET: rollback is called once, after begin finished, before the RESET SUCCESS', async () => {
    const gate = deferred();
    const journal: string[] = [];
    const server = serve({
      run: () => ({ fields: [] }),
      async begin() {
        journal.push('begin:start');
        await gate.promise;
        journal.push('begin:end');
      },
      rollback() {
        journal.push('rollback');
      },
    });
    const c = RawClient.overMemory(server);
    await c.login();
    c.send({ type: 'BEGIN', extra: {} });
    await tick();
    c.send({ type: 'RESET' });
    await c.until(() => c.countSummaries() >= 1);
    await tick();
    expect(journal).toEqual(['begin:start']);
    gate.resolve();
    await c.summaries(2);
    expect(types(c.responses)).toEqual(['IGNORED', 'SUCCESS']);
    expect(journal).toEqual(['begin:start', 'begin:end', 'rollback']);
    c.close();
  });

  it('a BEGIN that fails after the RESET is not rolled back', async () => {
    const gate = deferred();
    const journal: string[] = [];
    const server = serve({
      run: () => ({ fields: [] }),
      async begin() {
        await gate.promise;
        throw new Error('no transaction for you');
      },
      rollback() {
        journal.push('rollback');
      },
    });
    const c = RawClient.overMemory(server);
    await c.login();
    c.send({ type: 'BEGIN', extra: {} });
    await tick();
    c.send({ type: 'RESET' });
    await tick();
    gate.resolve();
    await c.summaries(2);
    expect(types(c.responses)).toEqual(['IGNORED', 'SUCCESS']);
    expect(journal).toEqual([]);
    c.close();
  });
});

describe('a COMMIT or ROLLBACK hook still running when the client disconnects', () => {
  async function disconnectDuring(request: 'COMMIT' | 'ROLLBACK'): Promise<string[]> {
    const gate = deferred();
    const journal: string[] = [];
    const server = serve({
      run: () => ({ fields: [] }),
      begin: () => void journal.push('begin'),
      async commit() {
        journal.push('commit:start');
        await gate.promise;
        journal.push('commit:end');
        return undefined;
      },
      async rollback() {
        journal.push('rollback:start');
        await gate.promise;
        journal.push('rollback:end');
      },
    });
    const c = RawClient.overMemory(server);
    await c.login();
    c.send({ type: 'BEGIN', extra: {} }, { type: request });
    await c.summaries(1);
    await tick();
    c.close();
    await tick();
    gate.resolve();
    await tick();
    return journal;
  }

  it('ROLLBACK: the transaction is rolled back once, not again by the disconnect', async () => {
    expect(await disconnectDuring('ROLLBACK')).toEqual(['begin', 'rollback:start', 'rollback:end']);
  });

  it('COMMIT: the commit under way is not raced by a rollback', async () => {
    expect(await disconnectDuring('COMMIT')).toEqual(['begin', 'commit:start', 'commit:end']);
  });
});
