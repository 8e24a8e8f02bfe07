/**
 * The line a running sync action shows in its dialog, and what of it a screen reader
 * hears. Every change is shown; a new kind of step is said at once, but a count of the
 * same step at most every 10 s: a fetch on a slow network updates its count each second
 * for minutes, and a polite status region would read out every one of them.
 */
import { politeRegion } from '../ui/live-region.ts';

export const SPOKEN_EVERY_MS = 10_000;

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

  constructor() {
    this.element = document.createElement('div');
    this.shown = document.createElement('p');
    this.shown.className = 'sync-progress';
    // (Heard through the region below, not as it changes.)
    this.shown.setAttribute('aria-hidden', 'true');
    this.spoken = politeRegion('sync-progress-spoken');
    this.element.append(this.shown, this.spoken);
  }

  show(line: string): void {
    this.shown.textContent = line;
    const kind = kindOf(line);
    const now = Date.now();
    if (kind === this.spokenKind && now - this.spokenAt < SPOKEN_EVERY_MS) return;
    this.spoken.textContent = line;
    this.spokenKind = kind;
    this.spokenAt = now;
  }

  clear(): void {
    this.shown.textContent = '';
    this.spoken.textContent = '';
    this.spokenKind = null;
  }
}
