/**
 * The export annex from the session's live consensus (main/services/report-consensus.ts),
 * as both hosts wire it: a report in a real SQLite file, opened as the app opens it, a
 * laptop syncing with main's ReportSession over the sync protocol. An export after a
 * stance change, an edit or a new paragraph shows the report as it stands then.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { closeAllReports, openReportFile, writeReportFile } from '../../main/services/open-report.ts';
import type { ReportSession } from '../../main/services/report-session.ts';
import { connectToSession } from './session-peer.ts';
import { exportJobsFor } from '../../main/services/export-requests.ts';
import { REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { addCreatorAsChair, addMember } from '../../shared/roster.ts';
import { bodyOf, createReportDoc, Origin, readMeta } from '../../shared/ydoc.ts';
import { prepareStance, signEndorsement, type Stance } from '../../shared/endorsement.ts';
import { putEndorsement } from '../../shared/endorsement-store.ts';
import { contextOf, memberInputs, setParagraphText } from '../unit/endorsement-fixtures.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';

const dir = mkdtempSync(join(tmpdir(), 'plenary-live-annex-'));
afterAll(() => {
  closeAllReports({ discardUnsaved: true });
  rmSync(dir, { recursive: true, force: true });
});

/** A laptop's doc synced with main's session, as the renderer or a sync link is. */
function connectLaptop(session: ReportSession): { doc: Y.Doc; disconnect: () => void } {
  const doc = createReportDoc();
  return { doc, disconnect: connectToSession(session, doc) };
}

/** The ids of the first paragraphs of the template under its first heading. */
function firstBlocks(doc: Y.Doc): { heading: string; paragraph: string } {
  const nodes = bodyOf(doc).toArray().filter((n): n is Y.XmlElement => n instanceof Y.XmlElement);
  const heading = nodes.find((n) => n.nodeName === 'heading');
  const paragraph = nodes.find((n, i) => n.nodeName === 'paragraph' && i > nodes.indexOf(heading as Y.XmlElement));
  return { heading: String(heading?.getAttribute('id')), paragraph: String(paragraph?.getAttribute('id')) };
}

/** The annex table's row for a section, from the HTML export: its cells' statuses in column order. */
function annexRow(html: string, sectionTitle: string): string[] {
  const annex = html.slice(html.indexOf('<table class="annex-table">'));
  const row = annex.split('<tr>').find((r) => r.includes(sectionTitle));
  if (!row) throw new Error(`no annex row for ${sectionTitle}`);
  return [...row.matchAll(/<td class="s-([a-z]+)">/g)].map((m) => m[1] as string);
}

describe('export annex from the session\'s live consensus', () => {
  it('an export after a stance change, an edit or a new paragraph shows the new status', async () => {
    const path = join(dir, 'live.plenary');
    writeReportFile(path, REPORT_TEMPLATE, { title: 'Live annex' });
    const report = openReportFile(path);
    const reportId = readMeta(report.doc).id;
    // Two members of the first group (governments), the chair among them.
    const [chair, member] = memberInputs(5).filter((m) => m.input.group === 'government');
    const laptop = connectLaptop(report.session);
    addCreatorAsChair(laptop.doc, chair!.input, Origin.local);
    addMember(laptop.doc, member!.input, Origin.local);
    const takeStance = (who: typeof member, blockId: string, stance: Stance, note?: string): void => {
      const context = contextOf(laptop.doc);
      const fields = prepareStance(context, { blockId, memberId: who!.input.id, stance, note });
      putEndorsement(laptop.doc, reportId, signEndorsement(reportId, fields, who!.privateKey), context, Origin.local);
    };
    const { heading, paragraph } = firstBlocks(report.doc);
    const sectionTitle = (bodyOf(report.doc).toArray().find((n) => n instanceof Y.XmlElement && n.getAttribute('id') === heading) as Y.XmlElement).toString().replace(/<[^>]+>/g, '');
    const sectionBlocks = (() => {
      const nodes = bodyOf(report.doc).toArray().filter((n): n is Y.XmlElement => n instanceof Y.XmlElement);
      const start = nodes.findIndex((n) => n.getAttribute('id') === heading);
      const end = nodes.findIndex((n, i) => i > start && n.nodeName === 'heading' && Number(n.getAttribute('level')) <= Number(nodes[start]!.getAttribute('level')));
      return nodes.slice(start, end === -1 ? undefined : end).map((n) => String(n.getAttribute('id')));
    })();

    const jobs = exportJobsFor({ doc: report.doc, emit: () => undefined, printer: () => Promise.reject(new Error('no PDF here')), annexOf: report.session.consensus.annexOf });
    let run = 0;
    const exportHtml = async (): Promise<string> => {
      const out = join(dir, `live-${++run}.html`);
      await jobs.exportReport('html', DEFAULT_EXPORT_OPTIONS, out, `job-${run}`);
      return readFileSync(out, 'utf8');
    };

    expect(report.session.consensus.live).toBe(false);
    expect(annexRow(await exportHtml(), sectionTitle)[0]).toBe('none');
    expect(report.session.consensus.live).toBe(true);

    // Both members endorse every block of the section: governments recognize it.
    for (const id of sectionBlocks) {
      takeStance(chair, id, 'endorse');
      takeStance(member, id, 'endorse');
    }
    expect(annexRow(await exportHtml(), sectionTitle)[0]).toBe('recognized');

    // One objects to a paragraph: the next export shows the objection and lists it.
    takeStance(member, paragraph, 'object', 'The text misstates the mandate.');
    const objected = await exportHtml();
    expect(annexRow(objected, sectionTitle)[0]).toBe('objection');
    expect(objected).toContain('The text misstates the mandate.');

    // Withdrawn by renewing the endorsement; then an edit makes the stances on that paragraph stale.
    takeStance(member, paragraph, 'endorse');
    expect(annexRow(await exportHtml(), sectionTitle)[0]).toBe('recognized');
    setParagraphText(laptop.doc, paragraph, 'The mandate, as amended in Tunis.');
    expect(annexRow(await exportHtml(), sectionTitle)[0]).toBe('partly');

    // Renewed on the new text: recognized again, in the same live engine.
    takeStance(chair, paragraph, 'endorse');
    expect(annexRow(await exportHtml(), sectionTitle)[0]).toBe('recognized');

    // A new paragraph in the section, endorsed before main's engine has seen its block.
    laptop.doc.transact(() => {
      const body = bodyOf(laptop.doc);
      const at = body.toArray().findIndex((n) => n instanceof Y.XmlElement && n.getAttribute('id') === paragraph) + 1;
      const added = new Y.XmlElement('paragraph');
      added.setAttribute('id', 'p-live-new');
      added.insert(0, [new Y.XmlText('A paragraph added after the first export.')]);
      body.insert(at, [added]);
    }, Origin.local);
    takeStance(chair, 'p-live-new', 'endorse');
    expect(annexRow(await exportHtml(), sectionTitle)[0]).toBe('recognized');
    takeStance(chair, 'p-live-new', 'reserve', 'Premature.');
    takeStance(member, 'p-live-new', 'reserve', 'Premature.');
    const reserved = await exportHtml();
    expect(annexRow(reserved, sectionTitle)[0]).toBe('partly');
    expect(reserved.match(/Premature\./g)).toHaveLength(2);
    expect(report.session.consensus.live).toBe(true);

    // Cancelled while the new stance's signature is still being checked: no file.
    takeStance(member, 'p-live-new', 'endorse');
    const cancelled = join(dir, 'cancelled.html');
    const attempt = jobs.exportReport('html', DEFAULT_EXPORT_OPTIONS, cancelled, 'job-cancelled');
    expect(jobs.cancel('job-cancelled')).toBe(true);
    await expect(attempt).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(cancelled)).toBe(false);
    laptop.disconnect();
  });
});
