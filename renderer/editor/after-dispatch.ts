/**
 * Work that follows an editor transaction but need not run inside its dispatch — the
 * stance re-read and the gutter, the toolbar's frame, our caret's awareness — runs in one
 * microtask, in the order it was asked for: still before the next event and the next
 * frame, but out of the keystroke's dispatch, and for one queueMicrotask instead of one
 * each (every call costs the dispatch a little).
 */
const tasks: Array<() => void> = [];

export function afterDispatch(task: () => void): void {
  if (tasks.push(task) === 1) queueMicrotask(runTasks);
}

function runTasks(): void {
  // Tasks asked for while these run join this same pass, after the others.
  for (let i = 0; i < tasks.length; i++) {
    try {
      tasks[i]!();
    } catch (error) {
      reportError(error);
    }
  }
  tasks.length = 0;
}
