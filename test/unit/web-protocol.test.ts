import { describe, expect, test } from 'vitest';
import {
  MAX_TEXT_FRAME, ProtocolError, encodeEvent, encodeRequest, encodeResponse, parseHostFrame, parseRequest,
} from '../../shared/web-protocol.ts';

describe('web protocol framing', () => {
  test('a request round-trips; its name and arguments are left for validateRequest', () => {
    expect(parseRequest(encodeRequest(7, 'openReport', ['/tmp/a.plenary']))).toEqual({ kind: 'request', id: 7, name: 'openReport', args: ['/tmp/a.plenary'] });
    expect(parseRequest('{"kind":"request","id":1,"name":"nonsense","args":[1,2]}').name).toBe('nonsense');
  });

  test('responses and events round-trip', () => {
    expect(parseHostFrame(encodeResponse(3, { result: { path: '/p', id: 'x', title: 'T' } }))).toEqual({ kind: 'response', id: 3, ok: true, result: { path: '/p', id: 'x', title: 'T' } });
    expect(parseHostFrame(encodeResponse(4, { error: 'Not a report.' }))).toEqual({ kind: 'response', id: 4, ok: false, error: 'Not a report.' });
    expect(parseHostFrame(encodeResponse(5, { result: undefined }))).toEqual({ kind: 'response', id: 5, ok: true, result: null });
    expect(parseHostFrame(encodeEvent({ type: 'menu', command: 'bold' }))).toEqual({ kind: 'event', event: { type: 'menu', command: 'bold' } });
    expect(parseHostFrame(encodeEvent({ type: 'error', message: 'Disk full' }))).toEqual({ kind: 'event', event: { type: 'error', message: 'Disk full' } });
    // Event kinds added to HostEvent later reach their listeners, which check their fields.
    expect(parseHostFrame('{"kind":"event","event":{"type":"later-kind","detail":1}}')).toEqual({ kind: 'event', event: { type: 'later-kind', detail: 1 } });
  });

  test('a sync status keeps how much a long sync has moved, and drops counts that are not counts', () => {
    const status = {
      state: 'syncing', pending: 0, lastSyncAt: null, server: 'ws://h:1', inMeeting: false, linkEnded: null, linkEndedAt: null,
      problem: null, meeting: null, sendingInParts: null, transfer: { received: 350_000, sent: 120 }, readOnly: false,
    } as const;
    expect(parseHostFrame(encodeEvent({ type: 'syncStatus', status }))).toEqual({ kind: 'event', event: { type: 'syncStatus', status } });
    for (const transfer of [{ received: -1, sent: 0 }, { received: 1.5, sent: 0 }, { received: '9', sent: 0 }, { sent: 0 }]) {
      const frame = parseHostFrame(JSON.stringify({ kind: 'event', event: { type: 'syncStatus', status: { ...status, transfer } } }));
      expect(frame.kind === 'event' && frame.event.type === 'syncStatus' && frame.event.status.transfer, JSON.stringify(transfer)).toBeNull();
    }
  });

  test('a sync status keeps a send in parts with its reason, and drops one without a known reason', () => {
    const status = {
      state: 'offline', pending: 0, lastSyncAt: null, server: 'ws://h:1', inMeeting: false, linkEnded: null, linkEndedAt: null,
      problem: null, meeting: null, sendingInParts: { sent: 3, total: 12, why: 'line-drops' }, transfer: null, readOnly: false,
    } as const;
    expect(parseHostFrame(encodeEvent({ type: 'syncStatus', status }))).toEqual({ kind: 'event', event: { type: 'syncStatus', status } });
    for (const sendingInParts of [{ sent: 3, total: 12 }, { sent: 3, total: 12, why: 'because' }, { sent: 13, total: 12, why: 'too-large' }]) {
      const frame = parseHostFrame(JSON.stringify({ kind: 'event', event: { type: 'syncStatus', status: { ...status, sendingInParts } } }));
      expect(frame.kind === 'event' && frame.event.type === 'syncStatus' && frame.event.status.sendingInParts, JSON.stringify(sendingInParts)).toBeNull();
    }
  });

  test.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['no kind', '{"id":1,"name":"currentReport","args":[]}'],
    ['a fractional id', '{"kind":"request","id":1.5,"name":"currentReport","args":[]}'],
    ['a negative id', '{"kind":"request","id":-1,"name":"currentReport","args":[]}'],
    ['no name', '{"kind":"request","id":1,"args":[]}'],
    ['arguments that are not a list', '{"kind":"request","id":1,"name":"openReport","args":"/etc/passwd"}'],
    ['a frame too large', `{"kind":"request","id":1,"name":"openReport","args":["${'x'.repeat(MAX_TEXT_FRAME)}"]}`],
  ])('a request frame with %s is refused', (_what, text) => {
    expect(() => parseRequest(text)).toThrow(ProtocolError);
  });

  test.each([
    ['an unknown menu command', '{"kind":"event","event":{"type":"menu","command":"format-disk"}}'],
    ['an event without a type', '{"kind":"event","event":{"url":"https://example.com"}}'],
    ['an error event without a message', '{"kind":"event","event":{"type":"error"}}'],
    ['an error without a message', '{"kind":"response","id":1,"ok":false}'],
    ['a request', '{"kind":"request","id":1,"name":"currentReport","args":[]}'],
  ])('a host frame with %s is refused', (_what, text) => {
    expect(() => parseHostFrame(text)).toThrow(ProtocolError);
  });
});
