// Loaded with `node --import` into the servers and hosts the tests start (spawn-node.ts).
// Their fd 3 is a pipe from the test process. When it closes, the test process is gone,
// however it ended (a crash, process.exit, a killed worker, with no afterAll run), and
// this process stops as on SIGTERM: no server outlives the test that started it.
import { Socket } from 'node:net';
import process from 'node:process';

const parent = new Socket({ fd: 3, readable: true, writable: false });
// Never what keeps this process running.
parent.unref();
parent.on('data', () => {});
parent.on('error', () => {});
parent.once('close', () => process.kill(process.pid, 'SIGTERM'));
