/**
 * The working group's two roads meeting: the secretariat's copy is linked to the
 * standing server, with a member who is linked too, while another member works offline
 * and sends changes files by hand. What the secretariat imports reaches the linked
 * member through the server and is kept by the server (there after it restarts); the
 * changes file the secretariat sends back carries what the linked member wrote, so the
 * offline member's copy ends identical to the others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import * as Y from 'yjs';
import { connectClient, startServerProcess, tempDir, waitFor } from './fixtures/sync/harness.ts';
import { closeAllReports, createReportFile, openReportFile, type OpenReport } from '../../main/services/open-report.ts';
import { BundlePeers, exportBundle, importBundles } from '../../main/services/bundles.ts';
import { ServerLink } from '../../main/services/sync/client.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { bodyOf, readMeta } from '../../shared/ydoc.ts';
import { addParagraph } from '../unit/helpers/add-paragraph.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  closeAllReports();
});

function link(url: string, report: OpenReport): ServerLink {
  const serverLink = new ServerLink({ url, reportId: readMeta(report.doc).id, doc: report.doc });
  cleanups.push(() => serverLink.close());
  return serverLink;
}

const has = (doc: Y.Doc, text: string): boolean => bodyOf(doc).toString().includes(text);

describe('changes files and the standing server, both in use', () => {
  it('what the secretariat imports reaches linked members and the server; what it sends back makes the offline copy identical', async () => {
    const dir = tempDir();
    const dataDir = tempDir();
    let server = await startServerProcess({ dataDir });
    cleanups.push(() => server.stop('SIGKILL'));

    // Three copies of one report: Ana (secretariat) and Bo linked, Carla offline in Tunis.
    const ana = createReportFile(join(dir, 'ana.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' });
    addParagraph(ana.doc, 'Shared start.');
    const bo = openReportFile(ana.saveCopyAs(join(dir, 'bo.plenary')));
    const carla = openReportFile(ana.saveCopyAs(join(dir, 'carla.plenary')));
    const anaPeers = new BundlePeers(join(dir, 'ana-data'));
    const carlaPeers = new BundlePeers(join(dir, 'carla-data'));
    const anaLink = link(server.url, ana);
    const boLink = link(server.url, bo);
    await waitFor(() => anaLink.status.state === 'in-sync' && boLink.status.state === 'in-sync', 20_000, 'both linked copies in sync');

    addParagraph(bo.doc, 'Bo, linked: on capacity building.');
    await waitFor(() => has(ana.doc, 'Bo, linked'), 20_000, "Bo's paragraph at Ana's");
    addParagraph(carla.doc, 'Carla, offline: on multilingualism.');
    const fromCarla = await exportBundle({ doc: carla.doc, path: join(dir, 'for-ana.plenary-changes'), recipient: 'Ana', sender: 'Carla', peers: carlaPeers });

    const imported = await importBundles({ doc: ana.doc, paths: [fromCarla.path], peers: anaPeers });
    expect(imported.changed).toBe(true);
    await waitFor(() => has(bo.doc, 'Carla, offline'), 20_000, "Carla's paragraph at Bo's, through the server");
    await waitFor(() => anaLink.status.state === 'in-sync', 20_000, 'Ana in sync after the import');

    // The server kept it: after a restart, a client that had nothing gets it from the server alone.
    await server.stop('SIGTERM');
    server = await startServerProcess({ dataDir, port: server.port });
    const reader = connectClient(server.url, readMeta(ana.doc).id);
    cleanups.push(() => reader.destroy());
    await reader.settled(20_000);
    expect(has(reader.doc, 'Carla, offline')).toBe(true);
    expect(has(reader.doc, 'Bo, linked')).toBe(true);

    // Back to Carla: only what she lacks (she sent Ana what she had), Bo's paragraph included.
    const toCarla = await exportBundle({ doc: ana.doc, path: join(dir, 'for-carla.plenary-changes'), recipient: 'Carla', sender: 'Ana', peers: anaPeers });
    expect(toCarla.complete).toBe(false);
    await importBundles({ doc: carla.doc, paths: [toCarla.path], peers: carlaPeers });
    await waitFor(() => boLink.status.state === 'in-sync' && anaLink.status.state === 'in-sync', 20_000, 'linked copies in sync');
    for (const doc of [bo.doc, carla.doc]) {
      expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(ana.doc));
      expect(Y.encodeStateAsUpdate(doc)).toEqual(Y.encodeStateAsUpdate(ana.doc));
    }
  });
});
