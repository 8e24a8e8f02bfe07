import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mammoth from 'mammoth';
import { exportReportFile } from '../../main/services/export/export-report.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { reportWithStances } from '../unit/export-fixture.ts';
import { FIXTURE_ANNEX, FIXTURE_PARAGRAPHS, findSoffice, libreOfficeToPdf, pdfText, positionsInOrder } from './export-helpers.ts';

const soffice = findSoffice();
if (!soffice) console.warn('export-docx: LibreOffice (soffice) is not installed; `apt-get install libreoffice-writer-nogui` to run these tests.');

describe.skipIf(!soffice)('DOCX export read by LibreOffice', () => {
  let dir: string;
  let docx: string;
  let text: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plenary-export-docx-'));
    docx = join(dir, 'Report of the WGIG.docx');
    await exportReportFile(reportWithStances().doc, { format: 'docx', options: DEFAULT_EXPORT_OPTIONS, path: docx });
    // One conversion for the whole file: LibreOffice takes seconds to start.
    text = await pdfText(await libreOfficeToPdf(soffice!, docx, dir));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the title page and the contents', () => {
    positionsInOrder(text, [
      /Working Group on Internet Governance/,
      /Report of the Working Group on Internet/,
      /Château de Bossey, 2005-06-18/,
      /Contents/, /I\. Introduction/, /A\. Infrastructure/, /1\. Costs/, /Annex: Endorsement by stakeholder group/,
    ]);
  });

  it('shows the numbered paragraphs and headings in order, with lists and quotes', () => {
    const body = text.slice(text.indexOf('Draft'));
    positionsInOrder(body, FIXTURE_PARAGRAPHS);
  });

  it('shows the annex table and the standing reservations and objections', () => {
    positionsInOrder(text, FIXTURE_ANNEX);
    expect(text).not.toContain('Forged.');
  });

  it('uses real Word headings, lists and tables', async () => {
    const { value: html } = await mammoth.convertToHtml({ buffer: await readFile(docx) });
    expect(html).toContain('<h1>I.\tIntroduction</h1>');
    expect(html).toContain('<h2>A.\tInfrastructure</h2>');
    expect(html).toContain('<h3>1.\tCosts</h3>');
    expect(html).toContain('<ol><li>Interconnection costs</li><li>Internet stability</li></ol>');
    expect(html).toContain('<ul><li>Spam<ul><li>Nested point</li></ul></li><li>Cybercrime</li></ul>');
    expect(html).toContain('<a href="https://www.wgig.org/mandate">the mandate</a>');
    expect(html.match(/<table>/g)).toHaveLength(2);
  });
});
