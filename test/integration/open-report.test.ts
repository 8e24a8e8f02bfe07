/**
 * Opening reports as the Electron main process and the browser host do: one OpenReport
 * per file, edits persisted as they happen, copies that open with the same content, the
 * sample report written once and reopened with the user's edits, the recent list.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import type { Node as PMNode } from 'prosemirror-model';
import Database from 'better-sqlite3';
import { closeAllReports, createReportFile, openReportFile, openReportList } from '../../main/services/open-report.ts';
import { defaultDataDir, ensureSampleReport, reportsDir, SAMPLE_REPORT_FILE } from '../../main/services/user-data.ts';
import { RecentReports, RECENT_LIMIT } from '../../main/services/recent-reports.ts';
import { BLANK_REPORT_TEMPLATE, SAMPLE_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { bodyOf, metaOf, Origin, readMeta } from '../../shared/ydoc.ts';
import { schema, hasBlockId } from '../../shared/schema.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plenary-open-'));
});
afterEach(() => {
  closeAllReports();
  rmSync(dir, { recursive: true, force: true });
});

function bodyNode(doc: Y.Doc): PMNode {
  return yXmlFragmentToProseMirrorRootNode(bodyOf(doc), schema);
}

/** Types `text` at the end of the first paragraph, as an editor peer would. */
function typeInto(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const body = bodyOf(doc);
    for (let i = 0; i < body.length; i++) {
      const block = body.get(i);
      if (block instanceof Y.XmlElement && block.nodeName === 'paragraph') {
        let xmlText = block.get(0);
        if (!(xmlText instanceof Y.XmlText)) {
          xmlText = new Y.XmlText();
          block.insert(0, [xmlText]);
        }
        (xmlText as Y.XmlText).insert((xmlText as Y.XmlText).length, text);
        return;
      }
    }
  }, Origin.local);
}

describe('openReportFile', () => {
  it('returns the same OpenReport for the same file, however the path is spelled', () => {
    const path = join(dir, 'r.plenary');
    const created = createReportFile(path, BLANK_REPORT_TEMPLATE);
    const link = join(dir, 'link.plenary');
    symlinkSync(path, link);
    expect(openReportFile(path)).toBe(created);
    expect(openReportFile(join(dir, '.', 'r.plenary'))).toBe(created);
    expect(openReportFile(link)).toBe(created);
    expect(openReportList()).toEqual([created]);
    created.close();
    expect(created.closed).toBe(true);
    const reopened = openReportFile(path);
    expect(reopened).not.toBe(created);
  });

  it('creates a blank report: "Untitled report", one heading and one empty paragraph', () => {
    const report = createReportFile(join(dir, 'new.plenary'), BLANK_REPORT_TEMPLATE);
    const node = bodyNode(report.doc);
    expect(node.childCount).toBe(2);
    expect(node.child(0).type.name).toBe('heading');
    expect(node.child(1).type.name).toBe('paragraph');
    expect(node.child(1).content.size).toBe(0);
    const summary = report.summary();
    expect(summary.title).toBe('Untitled report');
    expect(summary.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(summary.path).toBe(report.path);
  });

  it('persists every edit as it is made: a reopened report has it', () => {
    const path = join(dir, 'edited.plenary');
    const report = createReportFile(path, BLANK_REPORT_TEMPLATE);
    typeInto(report.doc, 'The Group met four times.');
    const state = Y.encodeStateAsUpdate(report.doc);
    report.close();
    const reopened = openReportFile(path);
    expect(bodyNode(reopened.doc).textContent).toContain('The Group met four times.');
    expect(Y.encodeStateAsUpdate(reopened.doc)).toEqual(state);
  });

  it('tells listeners when the title changes', () => {
    const report = createReportFile(join(dir, 't.plenary'), BLANK_REPORT_TEMPLATE);
    const titles: string[] = [];
    const stop = report.onDidChangeTitle((title) => titles.push(title));
    report.doc.transact(() => metaOf(report.doc).set('title', 'Draft report'), Origin.local);
    typeInto(report.doc, 'no title change here');
    stop();
    report.doc.transact(() => metaOf(report.doc).set('title', 'Final report'), Origin.local);
    expect(titles).toEqual(['Draft report']);
    expect(report.summary().title).toBe('Final report');
  });

  it('saves a copy that opens with the same content, and keeps editing the original', () => {
    const path = join(dir, 'original.plenary');
    const report = createReportFile(path, SAMPLE_REPORT_TEMPLATE);
    typeInto(report.doc, ' An edit before the copy.');
    const copyPath = report.saveCopyAs(join(dir, 'copy.plenary'));
    typeInto(report.doc, ' An edit after the copy.');
    const copy = openReportFile(copyPath);
    expect(copy).not.toBe(report);
    const copyText = bodyNode(copy.doc).textContent;
    expect(copyText).toContain('An edit before the copy.');
    expect(copyText).not.toContain('An edit after the copy.');
    expect(copy.summary().id).toBe(report.summary().id);
    expect(copy.summary().title).toBe('Report of the Working Group on Internet Governance');
    expect(() => report.saveCopyAs(path)).toThrow(/cannot replace the report itself/);
    expect(() => report.saveCopyAs(copyPath)).toThrow(/is open/);
    copy.close();
    // Replacing an existing (closed) file, as after a confirmed save dialog.
    writeFileSync(join(dir, 'old.plenary'), 'old contents');
    const replaced = openReportFile(report.saveCopyAs(join(dir, 'old.plenary')));
    expect(bodyNode(replaced.doc).textContent).toContain('An edit after the copy.');
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});

describe('when the file cannot be written', () => {
  it('keeps the edits, tells the user, and saves them once the file is writable again', async () => {
    const path = join(dir, 'locked.plenary');
    const report = createReportFile(path, BLANK_REPORT_TEMPLATE);
    const states: Array<string | null> = [];
    report.onDidFailToSave((message) => states.push(message));
    // Another program holds the write lock (a real SQLite lock, not a mock).
    const other = new Database(path);
    other.prepare('BEGIN IMMEDIATE').run();
    typeInto(report.doc, 'Typed while locked.');
    typeInto(report.doc, ' And more.');
    expect(report.unsavedCount).toBe(2);
    expect(states).toHaveLength(1);
    expect(states[0]).toMatch(/cannot save your changes to “locked\.plenary” \(another program is writing to the file\)/);
    expect(() => report.close()).toThrow(/could not be saved yet/);
    expect(report.closed).toBe(false);

    other.prepare('ROLLBACK').run();
    other.close();
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(report.unsavedCount).toBe(0);
    expect(states).toEqual([states[0], null]);
    const state = Y.encodeStateAsUpdate(report.doc);
    report.close();
    const reopened = openReportFile(path);
    expect(bodyNode(reopened.doc).textContent).toContain('Typed while locked. And more.');
    expect(Y.encodeStateAsUpdate(reopened.doc)).toEqual(state);
  }, 20_000);
});

describe('the sample report', () => {
  it('is a WGIG-style skeleton with unique block ids and every kind of block and mark', () => {
    const report = createReportFile(join(dir, 'sample.plenary'), SAMPLE_REPORT_TEMPLATE);
    const node = bodyNode(report.doc);
    const ids: string[] = [];
    const types = new Set<string>();
    const marks = new Set<string>();
    const hrefs: string[] = [];
    node.descendants((child) => {
      types.add(child.type.name);
      if (hasBlockId(child.type.name)) ids.push(child.attrs.id as string);
      for (const mark of child.marks) {
        marks.add(mark.type.name);
        if (mark.type.name === 'link') hrefs.push(mark.attrs.href as string);
      }
    });
    expect(ids.every((id) => typeof id === 'string' && id.length >= 4)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const type of ['heading', 'paragraph', 'bullet_list', 'ordered_list', 'list_item', 'blockquote']) expect(types).toContain(type);
    for (const mark of ['strong', 'em', 'link']) expect(marks).toContain(mark);
    expect(hrefs.every((href) => href.startsWith('https://'))).toBe(true);
    const headings: string[] = [];
    node.forEach((child) => {
      if (child.type.name === 'heading' && child.attrs.level === 1) headings.push(child.textContent);
    });
    expect(headings).toEqual([
      'Introduction', 'Working definition of Internet governance', 'Public policy issues',
      'Roles and responsibilities of stakeholders', 'Proposals for action', 'Annexes',
    ]);
    expect(readMeta(report.doc)).toMatchObject({
      title: 'Report of the Working Group on Internet Governance',
      body: 'Working Group on Internet Governance',
      place: 'Château de Bossey',
      date: 'June 2005',
    });
  });

  it('is written to the data folder on first run and reopened, with edits, afterwards', () => {
    const dataDir = join(dir, 'data');
    const path = ensureSampleReport(dataDir);
    expect(path).toBe(join(reportsDir(dataDir), SAMPLE_REPORT_FILE));
    const first = openReportFile(path);
    const id = first.summary().id;
    typeInto(first.doc, ' A member’s edit.');
    first.close();

    expect(ensureSampleReport(dataDir)).toBe(path);
    const again = openReportFile(path);
    expect(again.summary().id).toBe(id);
    expect(bodyNode(again.doc).textContent).toContain('A member’s edit.');
    again.close();
    expect(readdirSync(reportsDir(dataDir))).toEqual([SAMPLE_REPORT_FILE]);
  });
});

describe('the data folder', () => {
  it('follows each platform, and PLENARY_DATA overrides', () => {
    const home = '/home/ada';
    expect(defaultDataDir({ env: {}, platform: 'linux', home })).toBe('/home/ada/.config/Plenary');
    expect(defaultDataDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home })).toBe('/xdg/Plenary');
    expect(defaultDataDir({ env: { XDG_CONFIG_HOME: 'relative' }, platform: 'linux', home })).toBe('/home/ada/.config/Plenary');
    expect(defaultDataDir({ env: {}, platform: 'darwin', home })).toBe('/home/ada/Library/Application Support/Plenary');
    expect(defaultDataDir({ env: { APPDATA: '/appdata' }, platform: 'win32', home })).toBe(join('/appdata', 'Plenary'));
    expect(defaultDataDir({ env: { PLENARY_DATA: '/portable/data' }, platform: 'win32', home })).toBe('/portable/data');
  });
});

describe('recent reports', () => {
  function summary(name: string): { path: string; id: string; title: string } {
    const path = join(dir, name);
    writeFileSync(path, '');
    return { path, id: `id-${name}`, title: `Title ${name}` };
  }

  it('lists newest first, one entry per real file, at most ten, without vanished files', () => {
    const recent = new RecentReports(dir);
    expect(recent.list()).toEqual([]);
    const a = summary('a.plenary');
    const b = summary('b.plenary');
    recent.add(a);
    recent.add(b);
    symlinkSync(a.path, join(dir, 'a-link.plenary'));
    recent.add({ ...a, path: join(dir, 'a-link.plenary'), title: 'Renamed' });
    expect(recent.list().map((entry) => [entry.path, entry.title])).toEqual([[a.path, 'Renamed'], [b.path, b.title]]);

    for (let i = 0; i < 12; i++) recent.add(summary(`n${i}.plenary`));
    const listed = recent.list();
    expect(listed).toHaveLength(RECENT_LIMIT);
    expect(listed[0]!.path).toBe(join(dir, 'n11.plenary'));

    rmSync(join(dir, 'n11.plenary'));
    expect(recent.list().map((entry) => entry.path)).not.toContain(join(dir, 'n11.plenary'));
    // Written atomically: the list file and no temporary file beside it.
    expect(readdirSync(dir).filter((name) => name.includes('recent'))).toEqual(['recent-reports.json']);
    // Another RecentReports on the same folder (the next run) sees the same list.
    expect(new RecentReports(dir).list()).toEqual(recent.list());
  });

  it('reads a damaged list as empty and starts again', () => {
    writeFileSync(join(dir, 'recent-reports.json'), '{ not json');
    const recent = new RecentReports(dir);
    expect(recent.list()).toEqual([]);
    const a = summary('a.plenary');
    recent.add(a);
    expect(recent.list()).toEqual([a]);
    expect(existsSync(join(dir, 'recent-reports.json'))).toBe(true);
  });
});
