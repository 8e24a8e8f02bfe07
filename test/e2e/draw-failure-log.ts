/**
 * Changes an editor in a test page failed to draw. The y-prosemirror patch then draws the
 * whole report again and logs the failure: the page looks right, so nothing else in an
 * e2e test would notice one. Pages made by `harness.newPage` report their logs here, and
 * test/fail-on-draw-failures.ts fails the test during which any came.
 */
const DRAW_FAILURE = 'y-prosemirror: a change to the document could not be drawn';
const logged: string[] = [];

/** Called with each error a test page logs. */
export function noteConsoleError(text: string): void {
  if (text.startsWith(DRAW_FAILURE)) logged.push(text);
}

/** The failures logged since the last call. */
export function takeDrawFailures(): string[] {
  return logged.splice(0);
}
