/**
 * The status bar's consensus figures: report readiness (share of blocks recognized by
 * every stakeholder group under the report's rule) and objections standing, live. Read
 * from the engine's running counts, so a keystroke costs nothing here.
 */
import type { LiveConsensus } from './live-consensus.ts';

export class ReadinessStatus {
  readonly element: HTMLButtonElement;
  private readonly readiness: HTMLElement;
  private readonly objections: HTMLElement;
  private readonly live: LiveConsensus;
  private shown = '';

  constructor(footer: HTMLElement, live: LiveConsensus, onClick: () => void) {
    this.live = live;
    this.element = document.createElement('button');
    this.element.type = 'button';
    this.element.className = 'consensus-status';
    this.element.id = 'consensus-status';
    this.element.title = 'Consensus rule and roster';
    this.element.addEventListener('click', onClick);
    this.readiness = document.createElement('span');
    this.readiness.className = 'readiness';
    this.objections = document.createElement('span');
    this.objections.className = 'objections';
    this.element.append(this.readiness, this.objections);
    footer.insertBefore(this.element, footer.querySelector('.report-path'));
    live.subscribe(() => this.update());
    this.update();
  }

  update(): void {
    const { blocks, recognized, share } = this.live.engine.readiness();
    const objections = this.live.engine.objectionsStanding();
    const percent = Math.floor(share * 100);
    const key = `${blocks}:${recognized}:${objections}:${this.live.engine.rule.id}`;
    if (key === this.shown) return;
    this.shown = key;
    this.readiness.textContent = `Ready ${percent}% · ${recognized} of ${blocks} recognized by every group`;
    this.objections.textContent = objections === 1 ? '1 objection standing' : `${objections} objections standing`;
    this.objections.dataset.count = String(objections);
    this.element.dataset.readiness = String(percent);
    this.element.setAttribute('aria-label', `Report readiness ${percent} percent: ${recognized} of ${blocks} blocks recognized by every group under the rule "${this.live.engine.rule.label}"; ${this.objections.textContent}. Open the roster and consensus rule.`);
  }
}
