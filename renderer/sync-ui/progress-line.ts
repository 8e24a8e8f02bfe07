/**
 * The line a running sync action shows in its dialog, and what of it a screen reader
 * hears. A quick action shows nothing; one that takes a moment shows its latest line.
 * Every change is shown; a new kind of step is said at once, but a count of the same
 * step at most every 10 s: a fetch on a slow network updates its count each second for
 * minutes, and a polite status region would read out every one of them.
 */
import { politeRegion } from '../ui/live-region.ts';

const SHOWN_AFTER_MS = 300;
const SPOKEN_EVERY_MS = 10_000;

/** "Fetching the report… 228.2 kB received" and "… 301.4 kB received" are one kind of step. */
function kindOf(line: string): string {
  return line.replace(/\d[\d.,]*/g, '#');
}

export class ProgressLine {
  readonly element: HTMLElement;
  private readonly shown: HTMLElement;
  private readonly spoken: HTMLElement;
  private spokenKind: string | null = null;
  private spokenAt = 0;
  /** What the running action last said; on screen once `visible`. */
  private latest = '';
  private visible = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.element = document.createElement('div');
    this.shown = document.createElement('p');
    this.shown.className = 'sync-progress';
    // (Heard through the region below, not as it changes.)
    this.shown.setAttribute('aria-hidden', 'true');
    this.spoken = politeRegion('sync-progress-spoken');
    this.element.append(this.shown, this.spoken);
  }

  /** An action starts: `working` is its line until it says more. */
  start(working: string): void {
    this.stop();
    this.latest = working;
    this.timer = setTimeout(() => {
      this.visible = true;
      this.render(this.latest);
    }, SHOWN_AFTER_MS);
  }

  /** What the running action is doing now, in place of its first word. */
  say(line: string): void {
    this.latest = line;
    if (this.visible) this.render(line);
  }

  /** The action is over, or its dialog gave way to another: nothing is shown or said. */
  stop(): void {
    clearTimeout(this.timer);
    this.visible = false;
    this.shown.textContent = '';
    this.spoken.textContent = '';
    this.spokenKind = null;
  }

  private render(line: string): void {
    this.shown.textContent = line;
    const kind = kindOf(line);
    const now = Date.now();
    if (kind === this.spokenKind && now - this.spokenAt < SPOKEN_EVERY_MS) return;
    this.spoken.textContent = line;
    this.spokenKind = kind;
    this.spokenAt = now;
  }
}
