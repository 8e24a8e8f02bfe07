/**
 * Word-level difference between the text a stance was given on and the block's text
 * now, for the paragraph panel ("endorsed an earlier text"). Pure; white space is kept
 * in the parts so joining `same` and `added` parts gives the current text exactly.
 */
import { diffWordsWithSpace } from 'diff';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export function wordDiff(endorsedText: string, currentText: string): DiffPart[] {
  const parts: DiffPart[] = [];
  for (const change of diffWordsWithSpace(endorsedText, currentText)) {
    const kind: DiffPart['kind'] = change.added ? 'added' : change.removed ? 'removed' : 'same';
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += change.value;
    else parts.push({ kind, text: change.value });
  }
  return parts;
}
