/**
 * Starts a Node process for a test (a sync server, the browser host) so that it stops by
 * itself when the test process is gone, even if the test never got to stop it: the
 * child gets a pipe from this process as fd 3 and stop-with-parent.mjs, which sends
 * the child SIGTERM when the pipe closes.
 */
import { spawn, type ChildProcess, type SpawnOptions, type StdioNull, type StdioPipe } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const STOP_WITH_PARENT = fileURLToPath(new URL('./stop-with-parent.mjs', import.meta.url));

export interface SpawnNodeOptions extends Omit<SpawnOptions, 'stdio'> {
  /** stdin, stdout, stderr (fd 3 is added). */
  stdio?: [StdioNull | StdioPipe, StdioNull | StdioPipe, StdioNull | StdioPipe];
}

export function spawnNode(args: readonly string[], options: SpawnNodeOptions = {}): ChildProcess {
  const { stdio = ['ignore', 'pipe', 'pipe'], ...rest } = options;
  const child = spawn(process.execPath, ['--import', STOP_WITH_PARENT, ...args], { ...rest, stdio: [...stdio, 'pipe'] });
  // This end must not keep the test process running; the OS closes it when the process ends.
  (child.stdio[3] as Socket | null)?.unref();
  return child;
}
