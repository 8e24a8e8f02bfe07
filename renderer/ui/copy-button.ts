/**
 * "Copy" beside a text a member passes on (a meeting's invitation): one click puts it on
 * the clipboard. Where the clipboard is refused, the text is selected instead and the
 * member is told to press the copy keys, so the click is never silently lost.
 */
import { politeRegion } from './live-region.ts';

/** How long the button says "Copied" before it reads "Copy" again. */
const COPIED_SHOWN_MS = 2_000;

function copyKeys(): string {
  return /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘C' : 'Ctrl+C';
}

/** A "Copy" button for `source`'s text, labelled for screen readers as `label`, and its spoken outcome. */
export function copyButton(source: HTMLElement, label: string): { button: HTMLButtonElement; said: HTMLElement } {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'copy-button';
  button.textContent = 'Copy';
  button.setAttribute('aria-label', label);
  const said = politeRegion();
  let reset: ReturnType<typeof setTimeout> | undefined;
  button.addEventListener('click', () => {
    const text = source.textContent ?? '';
    clearTimeout(reset);
    // (Through a promise: where there is no clipboard at all, the call throws, and that too selects the text.)
    void Promise.resolve().then(() => navigator.clipboard.writeText(text)).then(
      () => {
        button.textContent = 'Copied';
        said.textContent = 'Copied to the clipboard.';
        reset = setTimeout(() => { button.textContent = 'Copy'; said.textContent = ''; }, COPIED_SHOWN_MS);
      },
      () => {
        getSelection()?.selectAllChildren(source);
        said.textContent = `Selected: press ${copyKeys()} to copy.`;
        button.textContent = `Press ${copyKeys()}`;
        reset = setTimeout(() => { button.textContent = 'Copy'; }, COPIED_SHOWN_MS);
      },
    );
  });
  return { button, said };
}
