/**
 * Electron on Linux needs a display. Where there is none (CI, a server), a private Xvfb
 * is started on a free display number (Xvfb picks it and reports it through -displayfd)
 * and stopped after the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Display {
  /** Value for DISPLAY, or null when the platform needs none. */
  display: string | null;
  stop(): void;
}

export function needsVirtualDisplay(): boolean {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

export function virtualDisplayAvailable(): boolean {
  return existsSync('/usr/bin/Xvfb');
}

export function startDisplay(): Promise<Display> {
  if (!needsVirtualDisplay()) return Promise.resolve({ display: process.env.DISPLAY ?? null, stop: () => undefined });
  return new Promise((resolve, reject) => {
    const xvfb: ChildProcess = spawn('/usr/bin/Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    xvfb.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve({ display: `:${output.trim()}`, stop: () => xvfb.kill() });
    });
    xvfb.on('error', reject);
    xvfb.on('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${errors.trim().split('\n').at(-1) ?? ''}`)));
  });
}
