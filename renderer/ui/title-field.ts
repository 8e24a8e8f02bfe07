/**
 * The report's title, editable above the body and bound to `meta.title` in the Y.Doc:
 * typing writes it (origin Origin.local); a change from elsewhere updates the field
 * without moving the caret of someone typing in it. Enter moves on to the body.
 */
import type * as Y from 'yjs';
import { Origin, metaOf, readMeta, writeMeta } from '../../shared/ydoc.ts';

export const MAX_TITLE_LENGTH = 300;

export function bindTitleField(field: HTMLTextAreaElement, doc: Y.Doc, onEnter: () => void, onChange: (title: string) => void): () => void {
  field.maxLength = MAX_TITLE_LENGTH;
  const showFromDoc = (): void => {
    const title = readMeta(doc).title;
    if (field.value !== title) {
      const { selectionStart, selectionEnd } = field;
      field.value = title;
      if (document.activeElement === field) field.setSelectionRange(selectionStart, selectionEnd);
    }
    onChange(title);
  };
  const onInput = (): void => {
    // A title is one line; a pasted newline becomes a space.
    const title = field.value.replace(/\s*[\r\n]+\s*/g, ' ');
    if (title !== field.value) field.value = title;
    writeMeta(doc, { title }, Origin.local);
  };
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter') {
      event.preventDefault();
      onEnter();
    }
  };
  const meta = metaOf(doc);
  const observer = (event: Y.YMapEvent<unknown>): void => {
    if (event.keysChanged.has('title')) showFromDoc();
  };
  meta.observe(observer);
  field.addEventListener('input', onInput);
  field.addEventListener('keydown', onKeyDown);
  showFromDoc();
  field.disabled = false;
  return () => {
    meta.unobserve(observer);
    field.removeEventListener('input', onInput);
    field.removeEventListener('keydown', onKeyDown);
  };
}
