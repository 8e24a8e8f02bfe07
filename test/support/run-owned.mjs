// Runs a program that cannot watch for its test process itself (redis-server) as the
// child of a Node process started with spawnNode: SIGTERM here, from the test stopping
// it or from stop-with-parent.mjs when the test process is gone, kills the program.
import { spawn } from 'node:child_process';
import process from 'node:process';

const [command, ...args] = process.argv.slice(2);
const program = spawn(command, args, { stdio: 'inherit' });
process.on('SIGTERM', () => program.kill('SIGKILL'));
// A program that stops answering without going away (frozen, swapped out): SIGUSR2
// freezes it, SIGCONT thaws it. (SIGUSR1 would start Node's inspector.)
process.on('SIGUSR2', () => program.kill('SIGSTOP'));
process.on('SIGCONT', () => program.kill('SIGCONT'));
program.on('exit', (code) => process.exit(code ?? 1));
