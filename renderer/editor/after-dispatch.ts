/**
 * Work that follows an editor transaction but need not run inside its dispatch — the
 * stance re-read and the gutter, the toolbar's frame, our caret's awareness — runs in one
 * microtask, in the order it was asked for: still before the next event and the next
 * frame, but out of the keystroke's dispatch, and for one queueMicrotask instead of one
 * each (every call costs the dispatch a little). A task already waiting is not queued
 * again, so callers hand in the same function each time instead of keeping a flag.
 */
const tasks: Array<() => void> = [];
const waiting = new Set<() => void>();

export function afterDispatch(task: () => void): void {
  if (waiting.has(task)) return;
  waiting.add(task);
  if (tasks.push(task) === 1) queueMicrotask(runTasks);
}

function runTasks(): void {
  // Tasks asked for while these run join this same pass, after the others.
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    waiting.delete(task);
    try {
      task();
    } catch (error) {
      reportError(error);
    }
  }
  tasks.length = 0;
}
