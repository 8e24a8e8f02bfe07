/**
 * Export changes… for everyone on the roster, as the secretariat does after merging a
 * round of members' files: one file per active member but themselves, in a new folder,
 * each holding what that member lacks. Real report files, real changes files, three
 * copies that end identical.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir as tempFolder } from './fixtures/sync/harness.ts';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as Y from 'yjs';
import { closeAllReports, createReportFile, openReportFile, type OpenReport } from '../../main/services/open-report.ts';
import { syncHandlers, type SyncHandlers } from '../../main/services/sync-handlers.ts';
import { Identity } from '../../main/services/identity.ts';
import { addMember, retireMember, type MemberInput } from '../../shared/roster.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { bodyOf } from '../../shared/ydoc.ts';
import { ApiError } from '../../shared/api.ts';
import type { ChangesProgressEvent } from '../../shared/sync-requests.ts';
import { addParagraph } from '../unit/helpers/add-paragraph.ts';

// (Each test's folder goes with the test run's temporary root: test/temp-root.ts.)
afterEach(() => closeAllReports());
const tempDir = (): string => tempFolder('plenary-everyone-');

const member = (name: string, publicKey: string, role: MemberInput['role'] = 'member'): MemberInput => ({
  name, group: 'civil-society', region: 'african', development: 'developing', gender: 'woman', role, publicKey,
});

interface Desk {
  report: OpenReport;
  handlers: SyncHandlers;
  progress: ChangesProgressEvent[];
}

/** A member's desk: their copy of the report, their own data folder and key; folders are named under `root`. */
function deskFor(report: OpenReport, dataDir: string, identity: Identity, root: string): Desk {
  const progress: ChangesProgressEvent[] = [];
  const handlers = syncHandlers({
    report,
    dataDir,
    identity: () => identity,
    chooseExportPath: (path) => path,
    chooseExportFolder: (requested, suggested) => join(root, requested ?? suggested),
    chooseImportPaths: (paths) => paths,
    progress: (event) => progress.push(event),
    join: { folder: join(dataDir, 'Reports'), recentReports: () => [], opened: (joined) => joined.summary() },
  });
  return { report, handlers, progress };
}

/** The secretariat's report with Ana, Bo and Chen on the roster (and Dee, retired), and Ana's and Bo's copies of it. */
function aRound() {
  const dir = tempDir();
  const keys = Object.fromEntries(['secretariat', 'ana', 'bo'].map((name) => [name, Identity.open(join(dir, `id-${name}`))]));
  const report = createReportFile(join(dir, 'secretariat.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' });
  addMember(report.doc, member('Markus Kummer', keys.secretariat!.publicKey(), 'chair'));
  addMember(report.doc, member('Ana Díaz', keys.ana!.publicKey()));
  addMember(report.doc, member('Bo Lin', keys.bo!.publicKey()));
  addMember(report.doc, member('Chen Wei', ''));
  retireMember(report.doc, addMember(report.doc, member('Dee Okafor', '')).id);
  // A draft of some length, in words that do not simply repeat (as a real one).
  let seed = 7;
  const word = (): string => (seed = (seed * 48271) % 2147483647).toString(36).slice(0, 3 + (seed % 6));
  for (let n = 1; n <= 40; n += 1) addParagraph(report.doc, Array.from({ length: 40 }, word).join(' '));
  const copy = (name: string): OpenReport => openReportFile(report.saveCopyAs(join(dir, `${name}.plenary`)));
  const out = join(dir, 'out');
  return {
    dir,
    secretariat: deskFor(report, join(dir, 'data-secretariat'), keys.secretariat!, out),
    ana: deskFor(copy('ana'), join(dir, 'data-ana'), keys.ana!, join(dir, 'ana-out')),
    bo: deskFor(copy('bo'), join(dir, 'data-bo'), keys.bo!, join(dir, 'bo-out')),
  };
}

const filesIn = (folder: string): string[] => readdirSync(folder).sort();
const sizeOf = (path: string): number => statSync(path).size;

describe('Export changes… for everyone on the roster', () => {
  it('writes one file per other active member into a new folder; after a merged round each holds only what that member lacks, and every copy ends the same', async () => {
    const { dir, secretariat, ana, bo } = aRound();

    // Round one: nobody has been sent anything, so each file is the whole report.
    const first = (await secretariat.handlers.exportChangesForEveryone(null, false))!;
    expect(basename(first.folder)).toMatch(/^Changes for every member \d{4}-\d{2}-\d{2} \d{2}\.\d{2}$/);
    expect(filesIn(first.folder)).toEqual(['Changes for Ana Díaz.plenary-changes', 'Changes for Bo Lin.plenary-changes', 'Changes for Chen Wei.plenary-changes']);
    expect(first).toMatchObject({ files: 3, complete: 3 });
    expect(first.bytes).toBe(filesIn(first.folder).reduce((sum, name) => sum + sizeOf(join(first.folder, name)), 0));
    expect(secretariat.progress).toEqual([1, 2, 3].map((done) => ({ type: 'changesProgress', phase: 'writing', done, total: 3 })));

    // Ana and Bo import theirs (their copies had it all already), work offline, and send
    // the secretariat their changes, which it merges.
    const fileFor = (folder: string, name: string): string => join(folder, `Changes for ${name}.plenary-changes`);
    expect(await ana.handlers.importChanges([fileFor(first.folder, 'Ana Díaz')])).toEqual({ senders: ['Markus Kummer'], changed: false });
    expect(await bo.handlers.importChanges([fileFor(first.folder, 'Bo Lin')])).toEqual({ senders: ['Markus Kummer'], changed: false });
    addParagraph(ana.report.doc, 'Written by Ana in Geneva.');
    addParagraph(bo.report.doc, 'Written by Bo in Nairobi.');
    const fromAna = join(dir, 'From Ana.plenary-changes');
    const fromBo = join(dir, 'From Bo.plenary-changes');
    await ana.handlers.exportChanges('Markus Kummer', fromAna, false);
    await bo.handlers.exportChanges('Markus Kummer', fromBo, false);
    expect(await secretariat.handlers.importChanges([fromAna, fromBo])).toEqual({ senders: ['Ana Díaz', 'Bo Lin'], changed: true });

    // Round two, in a folder of its own: each file holds only what its member lacks.
    const second = (await secretariat.handlers.exportChangesForEveryone(null, false))!;
    expect(second.folder).not.toBe(first.folder);
    expect(second).toMatchObject({ files: 3, complete: 0 });
    expect(filesIn(first.folder)).toHaveLength(3);
    expect(sizeOf(fileFor(second.folder, 'Ana Díaz')) * 4).toBeLessThan(sizeOf(fileFor(first.folder, 'Ana Díaz')));

    // Bo picking Ana's file from the folder is told whose it is; his copy is untouched.
    const bosBefore = Y.encodeStateAsUpdate(bo.report.doc);
    await expect(bo.handlers.importChanges([fileFor(second.folder, 'Ana Díaz')])).rejects.toThrow(/^These changes \(made for Ana Díaz\) continue from an earlier changes file from Markus Kummer that this copy has not imported\. If the file is meant for you,/);
    expect(Y.encodeStateAsUpdate(bo.report.doc)).toEqual(bosBefore);

    expect(await ana.handlers.importChanges([fileFor(second.folder, 'Ana Díaz')])).toEqual({ senders: ['Markus Kummer'], changed: true });
    expect(await bo.handlers.importChanges([fileFor(second.folder, 'Bo Lin')])).toEqual({ senders: ['Markus Kummer'], changed: true });
    for (const desk of [ana, bo]) {
      expect(bodyOf(desk.report.doc).toString()).toContain('Written by Ana in Geneva.');
      expect(bodyOf(desk.report.doc).toString()).toContain('Written by Bo in Nairobi.');
      expect(Y.encodeStateVector(desk.report.doc)).toEqual(Y.encodeStateVector(secretariat.report.doc));
    }
  });

  it('asked for the whole report, writes it for everyone, whatever they were sent before', async () => {
    const { secretariat } = aRound();
    await secretariat.handlers.exportChangesForEveryone(null, false);
    expect(await secretariat.handlers.exportChangesForEveryone(null, true)).toMatchObject({ files: 3, complete: 3 });
  });

  it('a folder of that name already there is left alone: the files go to "… (2)"', async () => {
    const { dir, secretariat } = aRound();
    const first = (await secretariat.handlers.exportChangesForEveryone('Round', false))!;
    const again = (await secretariat.handlers.exportChangesForEveryone('Round', false))!;
    expect(first.folder).toBe(join(dir, 'out', 'Round'));
    expect(again.folder).toBe(join(dir, 'out', 'Round (2)'));
    expect(filesIn(first.folder)).toHaveLength(3);
    expect(filesIn(again.folder)).toHaveLength(3);
  });

  it('two members whose names make the same file name each get a file of their own', async () => {
    const { secretariat } = aRound();
    addMember(secretariat.report.doc, member('Ana Díaz.', ''));
    const result = (await secretariat.handlers.exportChangesForEveryone(null, false))!;
    expect(filesIn(result.folder)).toEqual(['Changes for Ana Díaz (2).plenary-changes', 'Changes for Ana Díaz.plenary-changes', 'Changes for Bo Lin.plenary-changes', 'Changes for Chen Wei.plenary-changes']);
  });

  it('a folder that cannot be made is said plainly, and nobody is recorded as sent anything', async () => {
    const { dir, secretariat } = aRound();
    const blocked = join(dir, 'out', 'blocked');
    mkdirSync(dirname(blocked), { recursive: true });
    writeFileSync(blocked, 'a file where the folder would go');
    const refused = secretariat.handlers.exportChangesForEveryone('blocked/Round', false);
    await expect(refused).rejects.toThrow(`Could not make the folder ${join(blocked, 'Round')}: part of that path is a file, not a folder. Choose another place.`);
    // A refusal, passed on to the user as it is (and not logged by the desktop shell as a bug).
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    // The same place for one member's file: refused the same way.
    const single = secretariat.handlers.exportChanges('Bo Lin', join(blocked, 'For Bo.plenary-changes'), false);
    await expect(single).rejects.toThrow(`Could not write For Bo.plenary-changes: part of the path ${blocked} is a file, not a folder. Choose another place.`);
    await expect(single).rejects.toBeInstanceOf(ApiError);
    // The next round is still complete for everyone: nothing was recorded as sent.
    expect(await secretariat.handlers.exportChangesForEveryone(null, false)).toMatchObject({ files: 3, complete: 3 });
  });

  it('with no one else on the roster, says what to do and writes nothing', async () => {
    const dir = tempDir();
    const report = createReportFile(join(dir, 'alone.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' });
    const desk = deskFor(report, join(dir, 'data'), Identity.open(join(dir, 'id')), join(dir, 'out'));
    await expect(desk.handlers.exportChangesForEveryone(null, false)).rejects.toThrow(ApiError);
    await expect(desk.handlers.exportChangesForEveryone(null, false)).rejects.toThrow('The roster names no one else yet: add the members in Roster, or export for one person by name.');
    expect(readdirSync(dir)).not.toContain('out');
  });
});
