/**
 * Stances that belong to no paragraph on screen, listed in the roster dialog so none is
 * lost from sight: stances on paragraphs deleted (perhaps concurrently by another
 * member), each with the paragraph's last text; and stances that do not verify (forged,
 * altered, replayed), which never count.
 */
import { STANCE_LABELS } from '../../shared/endorsement.ts';
import type { Roster } from '../../shared/roster.ts';
import type { LiveConsensus } from './live-consensus.ts';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

export class StanceRecords {
  readonly element: HTMLElement;
  private readonly live: LiveConsensus;

  constructor(live: LiveConsensus) {
    this.live = live;
    this.element = el('div', 'stance-records');
  }

  render(roster: Roster): void {
    const detached = this.live.engine.detached();
    // Those still being checked are not refused: they count in a moment.
    const unverified = this.live.engine.unverified().filter((stance) => !stance.pending);
    const parts: HTMLElement[] = [];
    if (detached.length > 0) {
      const box = el('details', 'records');
      box.append(el('summary', undefined, `Stances on deleted paragraphs (${detached.length})`));
      const list = el('ul');
      for (const { stance, lastText } of detached) {
        const e = stance.endorsement;
        // Emptied before it was deleted: the text the stance was given on says more.
        const text = lastText.trim() === '' ? e?.text ?? '' : lastText;
        const item = el('li');
        item.append(
          el('strong', undefined, roster.get(stance.memberId)?.name ?? stance.memberId),
          ` ${e ? STANCE_LABELS[e.stance].label.toLowerCase() : 'stance'} on: `,
          el('q', undefined, text.length > 200 ? `${text.slice(0, 200)}…` : text),
        );
        if (e?.note) item.append(el('span', 'quiet', ` (note: ${e.note})`));
        list.append(item);
      }
      box.append(list);
      parts.push(box);
    }
    if (unverified.length > 0) {
      const box = el('details', 'records');
      box.append(el('summary', undefined, `Stances that do not verify and never count (${unverified.length})`));
      const list = el('ul');
      for (const stance of unverified) {
        list.append(el('li', undefined, `${roster.get(stance.memberId)?.name ?? (stance.memberId || 'Unknown')}: ${stance.reason ?? 'signature does not verify'}`));
      }
      box.append(list);
      parts.push(box);
    }
    this.element.replaceChildren(...parts);
  }
}
