/**
 * Markdown-like shortcuts typed at the start of a block:
 * "# " … "#### " → heading 1–4 (the block keeps its id), "- " or "* " → bulleted list,
 * "1. " (any number) → numbered list starting there, "> " → block quote; and, unless turned
 * off, typographic quotes, "..." → "…". Backspace right after a rule undoes it
 * (`undoInputRule`, bound in keymap.ts).
 *
 * Exports (stable): `buildInputRules(options)` → a Plugin; `reportInputRules(options)` →
 * the rules themselves.
 */
import {
  InputRule, ellipsis, inputRules, smartQuotes, wrappingInputRule,
} from 'prosemirror-inputrules';
import type { Plugin } from 'prosemirror-state';
import type { Node as PMNode } from 'prosemirror-model';
import { HEADING_LEVELS, schema } from '../schema.ts';

export interface InputRuleOptions {
  /** Typographic quotes (“ ” ‘ ’) as one types; on by default. */
  smartQuotes?: boolean;
}

/** "#"×level + space at the start of a textblock → heading, keeping the block's id. */
function headingRule(): InputRule {
  const heading = schema.nodes.heading!;
  return new InputRule(new RegExp(`^(#{1,${HEADING_LEVELS}})\\s$`), (state, match, start, end) => {
    const $start = state.doc.resolve(start);
    if (!$start.node(-1).canReplaceWith($start.index(-1), $start.indexAfter(-1), heading)) return null;
    const level = match[1]!.length;
    return state.tr.delete(start, end).setBlockType(start, start, heading, (node: PMNode) => ({ level, id: node.attrs.id as unknown }));
  });
}

export function reportInputRules(options: InputRuleOptions = {}): InputRule[] {
  const rules: InputRule[] = [
    headingRule(),
    wrappingInputRule(/^\s*([-*])\s$/, schema.nodes.bullet_list!),
    wrappingInputRule(
      /^(\d+)\.\s$/,
      schema.nodes.ordered_list!,
      (match) => ({ order: Number(match[1]) }),
      (match, node) => node.childCount + Number(node.attrs.order) === Number(match[1]),
    ),
    wrappingInputRule(/^\s*>\s$/, schema.nodes.blockquote!),
    ellipsis,
  ];
  if (options.smartQuotes !== false) rules.push(...smartQuotes);
  return rules;
}

export function buildInputRules(options: InputRuleOptions = {}): Plugin {
  return inputRules({ rules: reportInputRules(options) });
}
