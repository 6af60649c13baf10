type Task = () => void;

/** Run `task` soon, as a macrotask (after pending I/O), so a busy in-memory peer cannot starve
 *  timers the way a microtask loop would. Uses `setImmediate` where the runtime has it (Node,
 *  Bun), else a `MessageChannel` (browsers, Deno), else `setTimeout(0)`. */
export const scheduleTask: (task: Task) => void = pickScheduler();

function pickScheduler(): (task: Task) => void {
  const g = globalThis as { setImmediate?: (task: Task) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return (task) => {
      setImmediate(task);
    };
  }
  if (typeof MessageChannel === 'function') {
    // One channel per runtime; the queue is drained in order. Not a hot-path mutable state:
    // only the FIFO of pending tasks lives here.
    const channel = new MessageChannel();
    const queue: Task[] = [];
    channel.port1.onmessage = () => {
      const task = queue.shift();
      if (task) task();
    };
    return (task) => {
      queue.push(task);
      channel.port2.postMessage(undefined);
    };
  }
  return (task) => {
    setTimeout(task, 0);
  };
}
