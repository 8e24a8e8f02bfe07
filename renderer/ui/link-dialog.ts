/**
 * The link dialog: a modal <dialog> (focus kept inside, Escape cancels, focus returns to
 * the editor) that asks for an address — a bare "un.org" becomes https://un.org, an
 * e-mail address a mailto: link — and accepts only what a report may carry —
 * http, https and mailto links (shared/links.ts) — saying why otherwise.
 */
import { sanitizeHref } from '../../shared/links.ts';

export type LinkChoice = { action: 'apply'; href: string } | null;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page lacks #${id}.`);
  return element as T;
}

/** Adds https:// to a bare domain ("un.org/igf"), as people type addresses. */
function withScheme(raw: string): string {
  const value = raw.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(value)) return `mailto:${value}`;
  if (/^[^\s/]+\.[^\s/]+/.test(value)) return `https://${value}`;
  return value;
}

export function linkProblem(raw: string): string | null {
  if (!raw.trim()) return 'Type an address, or choose Cancel.';
  return sanitizeHref(withScheme(raw)) ? null : 'Only web (http, https) and e-mail (mailto) addresses can be linked.';
}

export class LinkDialog {
  private readonly dialog = byId<HTMLDialogElement>('link-dialog');
  private readonly form = byId<HTMLFormElement>('link-form');
  private readonly input = byId<HTMLInputElement>('link-href');
  private readonly error = byId<HTMLElement>('link-error');
  private readonly cancel = byId<HTMLButtonElement>('link-cancel');
  private settle: ((choice: LinkChoice) => void) | null = null;

  constructor() {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const problem = linkProblem(this.input.value);
      if (problem) return this.showProblem(problem);
      this.finish({ action: 'apply', href: sanitizeHref(withScheme(this.input.value))! });
    });
    this.input.addEventListener('input', () => this.showProblem(null));
    this.cancel.addEventListener('click', () => this.finish(null));
    this.dialog.addEventListener('close', () => this.finish(null));
  }

  /** Asks for a link address (a link under the caret is removed by the link command instead). */
  ask(): Promise<LinkChoice> {
    this.finish(null);
    this.input.value = '';
    this.showProblem(null);
    this.dialog.showModal();
    this.input.select();
    return new Promise((resolve) => (this.settle = resolve));
  }

  private showProblem(problem: string | null): void {
    this.error.textContent = problem ?? '';
    this.input.setAttribute('aria-invalid', problem ? 'true' : 'false');
  }

  private finish(choice: LinkChoice): void {
    const settle = this.settle;
    this.settle = null;
    if (this.dialog.open) this.dialog.close();
    settle?.(choice);
  }
}
