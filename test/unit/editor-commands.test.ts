import { describe, expect, it } from 'vitest';
import { EditorState, TextSelection, type Command, type Transaction } from 'prosemirror-state';
import type { Node as PMNode } from 'prosemirror-model';
import { baseKeymap } from 'prosemirror-commands';
import { schema } from '../../shared/schema.ts';
import { blockIdPlugin, isBlockId } from '../../shared/block-ids.ts';
import { MENU_COMMANDS } from '../../shared/api.ts';
import {
  activeBlockType, buildInputRules, buildKeyBindings, checkLinkHref, commandFor, editorPlugins,
  isCommandActive, isCommandEnabled, isMarkActive, setLink, type EditorDeps,
} from '../../shared/editor/index.ts';

const p = (id: string, text: string): PMNode => schema.node('paragraph', { id }, text ? schema.text(text) : []);
const doc = (...blocks: PMNode[]): PMNode => schema.node('doc', null, blocks);

/** An editor without a DOM: state, dispatch, and the plugins' text-input hook. */
class Editor {
  state: EditorState;
  readonly composing = false;
  readonly calls: string[] = [];
  readonly deps: EditorDeps = {
    undo: () => { this.calls.push('undo'); return true; },
    redo: () => { this.calls.push('redo'); return true; },
    requestLink: () => { this.calls.push('requestLink'); },
  };
  readonly keys = buildKeyBindings(this.deps);

  constructor(d: PMNode, at?: number) {
    this.state = EditorState.create({ schema, doc: d, plugins: [...editorPlugins(this.deps), blockIdPlugin()] });
    if (at !== undefined) this.select(at);
  }
  dispatch = (tr: Transaction): void => { this.state = this.state.apply(tr); };
  select(from: number, to = from): this {
    this.dispatch(this.state.tr.setSelection(TextSelection.create(this.state.doc, from, to)));
    return this;
  }
  /** Puts the cursor right after `text` (or at its start with `atStart`). */
  cursorAt(text: string, atStart = false): this {
    let found = -1;
    this.state.doc.descendants((node, pos) => {
      if (found < 0 && node.isText && node.text!.includes(text)) found = pos + node.text!.indexOf(text) + (atStart ? 0 : text.length);
    });
    if (found < 0) throw new Error(`no "${text}"`);
    return this.select(found);
  }
  run(command: Command): boolean {
    return command(this.state, this.dispatch);
  }
  /** A key press as buildKeymaps wires it: our binding, then prosemirror's baseKeymap. */
  press(key: string): boolean {
    const ours = this.keys[key];
    const base = baseKeymap[key];
    if (!ours && !base) throw new Error(`no binding ${key}`);
    return (ours !== undefined && this.run(ours)) || (base !== undefined && this.run(base));
  }
  /** Types as a user does: input rules get each character first. */
  type(text: string): void {
    for (const ch of text) {
      const { from, to } = this.state.selection;
      const handled = this.state.plugins.some((plugin) => plugin.props.handleTextInput?.call(plugin, this as never, from, to, ch, () => this.state.tr));
      if (!handled) this.dispatch(this.state.tr.insertText(ch, from, to));
    }
  }
  get blocks(): { type: string; id: unknown; text: string; attrs: Record<string, unknown> }[] {
    const out: { type: string; id: unknown; text: string; attrs: Record<string, unknown> }[] = [];
    this.state.doc.descendants((node) => {
      if (node.isBlock) out.push({ type: node.type.name, id: node.attrs.id, text: node.textContent, attrs: node.attrs });
    });
    return out;
  }
  expectIdsSound(): void {
    const ids = this.blocks.filter((b) => b.type !== 'bullet_list' && b.type !== 'ordered_list').map((b) => b.id);
    for (const id of ids) expect(isBlockId(id)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  }
}

describe('marks', () => {
  it('Mod-b and Mod-i toggle bold and italic on the selection; the toolbar sees it', () => {
    const editor = new Editor(doc(p('aaaa', 'Internet governance')));
    editor.select(1, 9);
    expect(editor.press('Mod-b')).toBe(true);
    expect(isMarkActive(editor.state, 'strong')).toBe(true);
    expect(isCommandActive(editor.state, 'bold')).toBe(true);
    editor.press('Mod-i');
    expect(isMarkActive(editor.state, 'em')).toBe(true);
    editor.press('Mod-b');
    expect(isMarkActive(editor.state, 'strong')).toBe(false);
    expect(editor.state.doc.child(0).child(0).marks.map((m) => m.type.name)).toEqual(['em']);
  });
});

describe('block styles keep the block id', () => {
  it('Mod-Alt-1..4 make headings, the same again or Mod-Alt-0 makes a paragraph', () => {
    const editor = new Editor(doc(p('aaaa', 'Roles and responsibilities')), 3);
    for (const level of [1, 2, 3, 4]) {
      editor.press(`Mod-Alt-${level}`);
      expect(editor.blocks[0]).toMatchObject({ type: 'heading', id: 'aaaa', attrs: { level } });
      expect(activeBlockType(editor.state).style).toBe(`heading-${level}`);
    }
    editor.press('Mod-Alt-4');
    expect(editor.blocks[0]).toMatchObject({ type: 'paragraph', id: 'aaaa' });
    editor.press('Mod-Alt-2');
    editor.press('Mod-Alt-0');
    expect(editor.blocks[0]).toMatchObject({ type: 'paragraph', id: 'aaaa', text: 'Roles and responsibilities' });
  });

  it('refuses a heading where the schema allows none (first line of a list item)', () => {
    const editor = new Editor(doc(p('aaaa', 'item')), 2);
    editor.press('Mod-Shift-8');
    expect(isCommandEnabled(editor.state, 'heading-1', editor.deps)).toBe(false);
    const before = editor.state.doc;
    expect(editor.press('Mod-Alt-1')).toBe(false);
    expect(editor.state.doc.eq(before)).toBe(true);
  });
});

describe('lists and quotes', () => {
  it('bullet and numbered lists toggle, switch kind, and lift out', () => {
    const editor = new Editor(doc(p('aaaa', 'one'), p('bbbb', 'two')), 2);
    editor.press('Mod-Shift-8');
    expect(editor.blocks.map((b) => b.type)).toEqual(['bullet_list', 'list_item', 'paragraph', 'paragraph']);
    expect(activeBlockType(editor.state).list).toBe('bullet-list');
    editor.press('Mod-Shift-9');
    expect(editor.blocks[0]!.type).toBe('ordered_list');
    expect(isCommandActive(editor.state, 'ordered-list')).toBe(true);
    editor.press('Mod-Shift-9');
    expect(editor.blocks.map((b) => b.type)).toEqual(['paragraph', 'paragraph']);
    expect(editor.blocks.map((b) => b.id)).toEqual(['aaaa', 'bbbb']);
  });

  it('Enter makes a new item, Tab indents, Shift-Tab outdents, Enter on an empty item leaves the list', () => {
    const editor = new Editor(doc(p('aaaa', 'first')), 2);
    editor.press('Mod-Shift-8');
    editor.cursorAt('first');
    expect(editor.press('Enter')).toBe(true);
    editor.type('second');
    expect(editor.blocks.filter((b) => b.type === 'list_item').map((b) => b.text)).toEqual(['first', 'second']);
    expect(editor.press('Tab')).toBe(true);
    expect(editor.blocks.map((b) => b.type)).toEqual(['bullet_list', 'list_item', 'paragraph', 'bullet_list', 'list_item', 'paragraph']);
    expect(editor.press('Shift-Tab')).toBe(true);
    expect(editor.blocks.filter((b) => b.type === 'bullet_list')).toHaveLength(1);
    // Tab on the first item cannot indent, but keeps the focus in the editor.
    editor.cursorAt('first');
    const before = editor.state.doc;
    expect(editor.press('Tab')).toBe(true);
    expect(editor.state.doc.eq(before)).toBe(true);
    editor.cursorAt('second');
    editor.press('Enter');
    editor.press('Enter');
    expect(editor.blocks.at(-1)).toMatchObject({ type: 'paragraph', text: '' });
    expect(editor.blocks.filter((b) => b.type === 'list_item')).toHaveLength(2);
    editor.expectIdsSound();
  });

  it('Tab outside a list is left to the browser (focus moves on)', () => {
    const editor = new Editor(doc(p('aaaa', 'text')), 2);
    expect(editor.press('Tab')).toBe(false);
  });

  it('Mod-Shift-. quotes the block and takes it out again', () => {
    const editor = new Editor(doc(p('aaaa', 'quoted')), 2);
    editor.press('Mod-Shift-.');
    expect(editor.blocks.map((b) => b.type)).toEqual(['blockquote', 'paragraph']);
    expect(activeBlockType(editor.state).quote).toBe(true);
    editor.press('Ctrl->');
    expect(editor.blocks).toMatchObject([{ type: 'paragraph', id: 'aaaa' }]);
  });

  it('Shift-Enter breaks the line inside the paragraph', () => {
    const editor = new Editor(doc(p('aaaa', 'line one')), 6);
    editor.press('Shift-Enter');
    expect(editor.state.doc.childCount).toBe(1);
    expect(editor.state.doc.child(0).child(1).type.name).toBe('hard_break');
  });
});

describe('links', () => {
  it('links the selection to a web or mail address', () => {
    const editor = new Editor(doc(p('aaaa', 'see the WGIG site')));
    editor.select(9, 18);
    expect(editor.run(setLink('https://www.wgig.org/'))).toBe(true);
    const linked = editor.state.doc.child(0).child(1);
    expect(linked.text).toBe('WGIG site');
    expect(linked.marks[0]!.attrs.href).toBe('https://www.wgig.org/');
    expect(isCommandActive(editor.state, 'link')).toBe(true);
  });

  it('refuses other addresses and leaves the document as it was, with a message for the dialog', () => {
    for (const evil of ['javascript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,x', '//evil.example', 'file:///etc/passwd', '']) {
      const editor = new Editor(doc(p('aaaa', 'click here')));
      editor.select(1, 6);
      const before = editor.state;
      expect(editor.run(setLink(evil))).toBe(false);
      expect(editor.state).toBe(before);
      expect(checkLinkHref(evil)).toHaveProperty('error');
    }
    expect(checkLinkHref(' mailto:secretariat@example.org ')).toEqual({ href: 'mailto:secretariat@example.org' });
  });

  it('with nothing selected inserts the address as linked text', () => {
    const editor = new Editor(doc(p('aaaa', 'Contact: ')), 10);
    editor.run(setLink('mailto:wgig@example.org'));
    expect(editor.state.doc.textContent).toBe('Contact: mailto:wgig@example.org');
    expect(isMarkActive(editor.state, 'link')).toBe(false); // link is not inclusive: typing goes on plain
  });

  it('Mod-k asks for an address, or removes the link the cursor is on', () => {
    const editor = new Editor(doc(p('aaaa', 'see the site')));
    editor.select(5, 8);
    expect(editor.press('Mod-k')).toBe(true);
    expect(editor.calls).toEqual(['requestLink']);
    editor.run(setLink('https://example.org'));
    editor.select(6);
    expect(editor.press('Mod-k')).toBe(true);
    expect(editor.state.doc.rangeHasMark(0, editor.state.doc.content.size, schema.marks.link!)).toBe(false);
    const noDialog = buildKeyBindings({ undo: () => false, redo: () => false });
    expect(noDialog['Mod-k']!(editor.state)).toBe(false);
  });
});

describe('menu commands and undo', () => {
  it('maps every menu command, and undo/redo to what the renderer passes in', () => {
    const editor = new Editor(doc(p('aaaa', 'text')), 2);
    for (const name of MENU_COMMANDS) expect(typeof commandFor(name, editor.deps)).toBe('function');
    editor.press('Mod-z');
    editor.press('Shift-Mod-z');
    editor.press('Mod-y');
    expect(editor.calls).toEqual(['undo', 'redo', 'redo']);
    expect(editor.run(commandFor('heading-3', editor.deps))).toBe(true);
    expect(isCommandActive(editor.state, 'heading-3')).toBe(true);
  });
});

describe('input rules', () => {
  const typed = (text: string, start = ''): Editor => {
    const editor = new Editor(doc(p('aaaa', start)), 1);
    editor.type(text);
    return editor;
  };

  it('"# " … "#### " make headings that keep the paragraph id', () => {
    for (const level of [1, 2, 3, 4]) {
      const editor = typed(`${'#'.repeat(level)} Title`);
      expect(editor.blocks).toMatchObject([{ type: 'heading', id: 'aaaa', text: 'Title', attrs: { level } }]);
    }
    expect(typed('##### x').blocks[0]!.type).toBe('paragraph');
  });

  it('"- ", "* ", "1. ", "3. " and "> " wrap the block', () => {
    expect(typed('- item').blocks.map((b) => b.type)).toEqual(['bullet_list', 'list_item', 'paragraph']);
    expect(typed('* item').blocks[0]!.type).toBe('bullet_list');
    expect(typed('1. item').blocks[0]).toMatchObject({ type: 'ordered_list', attrs: { order: 1 } });
    expect(typed('3. item').blocks[0]).toMatchObject({ type: 'ordered_list', attrs: { order: 3 } });
    const quote = typed('> said');
    expect(quote.blocks.map((b) => b.type)).toEqual(['blockquote', 'paragraph']);
    expect(quote.blocks[1]).toMatchObject({ id: 'aaaa', text: 'said' });
    quote.expectIdsSound();
  });

  it('typographic quotes and ellipsis, and Backspace undoes a rule', () => {
    expect(typed('"multi-stakeholder" it\'s ...').state.doc.textContent).toBe('“multi-stakeholder” it’s …');
    const plain = new Editor(doc(p('aaaa', '')), 1);
    plain.state = EditorState.create({ schema, doc: plain.state.doc, plugins: [buildInputRules({ smartQuotes: false })] });
    plain.type('"x"');
    expect(plain.state.doc.textContent).toBe('"x"');
    const editor = typed('# ');
    expect(editor.blocks[0]!.type).toBe('heading');
    editor.press('Backspace');
    expect(editor.blocks[0]).toMatchObject({ type: 'paragraph', text: '# ' });
  });

  it('does not fire in the middle of a line', () => {
    expect(typed('see - this').blocks[0]!.type).toBe('paragraph');
    expect(typed('x # y').blocks[0]!.type).toBe('paragraph');
  });
});
