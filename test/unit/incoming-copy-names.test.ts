/**
 * An incoming copy's name (shared/report-id.ts) can never be taken for a report, nor a
 * report for an incoming copy; the server's frame guard takes both as the report they are about.
 */
import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { incomingCopyName, isValidReportId, reportOfDocument, reportOfIncomingCopy } from '../../shared/report-id.ts';
import { checkClientFrame } from '../../main/services/sync/frame-guard.ts';

/** A sync step 1 (an empty state vector) for `name`, as a provider sends it. */
function stepOneFor(name: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, name);
  encoding.writeVarUint(encoder, 0); // sync
  encoding.writeVarUint(encoder, 0); // step 1
  encoding.writeVarUint8Array(encoder, new Uint8Array([0]));
  return encoding.toUint8Array(encoder);
}

describe('incoming copy names', () => {
  it('name a report\'s copy, which is not a report id, and lead back to the report', () => {
    const name = incomingCopyName('wgig-2005', '0123abcdEF');
    expect(name).toBe('wgig-2005~incoming~0123abcdEF');
    expect(isValidReportId(name)).toBe(false);
    expect(reportOfIncomingCopy(name)).toBe('wgig-2005');
    expect(reportOfDocument(name)).toBe('wgig-2005');
    expect(reportOfDocument('wgig-2005')).toBe('wgig-2005');
    expect(reportOfIncomingCopy('wgig-2005')).toBeNull();
  });

  it('refuses what is neither', () => {
    expect(() => incomingCopyName('wgig-2005', 'short')).toThrow(/upload id/);
    expect(() => incomingCopyName('../etc', '0123abcdEF')).toThrow(/upload id/);
    for (const name of ['wgig~incoming~', 'wgig~incoming~0123abcd/x', '~incoming~0123abcdEF', 'wgig~outgoing~0123abcdEF', 'a b']) {
      expect(reportOfDocument(name), name).toBeNull();
    }
  });

  it('are taken by the server\'s frame guard as the report they are for', () => {
    expect(checkClientFrame(stepOneFor(incomingCopyName('wgig-2005', '0123abcdEF')), 1024).reportId).toBe('wgig-2005');
    expect(checkClientFrame(stepOneFor('wgig-2005'), 1024).reportId).toBe('wgig-2005');
    expect(() => checkClientFrame(stepOneFor('wgig-2005~incoming~x'), 1024)).toThrow(/Invalid report id/);
  });
});
