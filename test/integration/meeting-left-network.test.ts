/**
 * A laptop that leaves the room's network between listing its addresses and starting the
 * meeting (Wi-Fi dropped): the address chosen is no longer this computer's. The system's
 * list of interfaces is the one thing stood in for, since a test cannot take this
 * machine off its network; the listen that fails is real.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type * as OS from 'node:os';
import { join } from 'node:path';
import { closeAllReports, createReportFile } from '../../main/services/open-report.ts';
import { ReportLinks } from '../../main/services/report-links.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { ApiError } from '../../shared/api.ts';

vi.mock('node:os', async (actual) => {
  const os = await actual<typeof OS>();
  // 192.0.2.0/24 is reserved for documentation: an address no computer has.
  const wifi = { address: '192.0.2.8', netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '192.0.2.8/24' } as const;
  return { ...os, networkInterfaces: () => ({ wlan0: [wifi] }) };
});

const dirs: string[] = [];
afterEach(() => {
  closeAllReports();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('a meeting on an address the laptop no longer has says to join the room\'s network and start again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plenary-meeting-'));
  dirs.push(dir);
  const report = createReportFile(join(dir, 'tunis.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' });
  const links = ReportLinks.for(report, join(dir, 'data'), { reconnect: false });
  await expect(links.hostMeeting()).rejects.toThrow(new ApiError(
    'The meeting could not start. 192.0.2.8 is not an address of this computer: this computer has just left that network. Join the room’s network (Wi-Fi or cable), then start the meeting again.',
  ));
  expect(links.status().meeting).toBeNull();
  await links.close();
});
