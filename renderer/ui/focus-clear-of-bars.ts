/**
 * Keeps what takes the focus in the report clear of the sticky toolbar and status line.
 *
 * Why not CSS alone: the page's `scroll-padding` (CSS's way to say "the bars cover this
 * much") also applied to the bars' own buttons, which always lie inside it, so every
 * focus on one (the Sync menu, a dialog closing back to it, Tab through the toolbar)
 * scrolled the report by half a screen. Chromium does not consult the focused element's
 * `scroll-margin` when focus scrolls, so the margin the report's elements carry (for
 * scrollIntoView and the skip link) does not cover focus: this does.
 *
 * The text itself is left to ProseMirror, which keeps the caret clear of the bars
 * (scrollMargin in editor/view.ts).
 */

/** Room left between a focused element and the bar it was under. */
const GAP_PX = 8;

export function keepFocusClearOfBars(content: HTMLElement, header: HTMLElement, footer: HTMLElement): () => void {
  const onFocusIn = (event: FocusEvent): void => {
    const target = event.target;
    if (!(target instanceof HTMLElement) || target.isContentEditable) return;
    const box = target.getBoundingClientRect();
    const clearTop = header.getBoundingClientRect().bottom + GAP_PX;
    const clearBottom = footer.getBoundingClientRect().top - GAP_PX;
    // Something taller than the room between the bars (the editor's frame, focused by a
    // click beside the text or by the skip link) is left where it is.
    if (box.height > clearBottom - clearTop) return;
    if (box.top < clearTop) window.scrollBy({ top: box.top - clearTop, behavior: 'instant' });
    else if (box.bottom > clearBottom) window.scrollBy({ top: box.bottom - clearBottom, behavior: 'instant' });
  };
  content.addEventListener('focusin', onFocusIn);
  return () => content.removeEventListener('focusin', onFocusIn);
}
