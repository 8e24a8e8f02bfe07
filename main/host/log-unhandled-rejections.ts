/**
 * A promise that fails with nobody waiting on it ends a Node process (Node's default,
 * `--unhandled-rejections=throw`), but only warns in Electron's main process. The browser
 * host and the standing server run the same services as the desktop app, so they behave
 * as it does: the failure is logged, and every open report stays open and served. One
 * unawaited check of a damaged changes file ended the browser host this way (c322acf).
 *
 * Uncaught exceptions still end the process: one may leave work half done, and every
 * update acknowledged by then is already committed.
 */
export function logUnhandledRejections(report: (reason: string) => void): void {
  process.on('unhandledRejection', (reason: unknown) => {
    report(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason));
  });
}
