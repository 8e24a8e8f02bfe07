import { describe, expect, it } from 'vitest';
import { MIN_REPLY_PART_BYTES, requestedReplyParts, withReplyParts } from '../../main/services/sync/reply-parts.ts';

describe('asking a server for its first-sync answer in parts', () => {
  it('adds the part size to the address the link opens, which the server reads back', () => {
    const asked = withReplyParts('ws://127.0.0.1:4321', 200_000);
    expect(asked).toBe('ws://127.0.0.1:4321/?parts=200000');
    expect(requestedReplyParts(new URL(asked).pathname + new URL(asked).search)).toBe(200_000);
    // A report pinned in the path keeps its path.
    const pinned = withReplyParts('wss://sync.example.org/0d1c2b3a-report', 100_000.7);
    expect(pinned).toBe('wss://sync.example.org/0d1c2b3a-report?parts=100000');
    expect(requestedReplyParts('/0d1c2b3a-report?parts=100000')).toBe(100_000);
  });

  it('leaves the address alone when nothing broke off', () => {
    expect(withReplyParts('ws://127.0.0.1:4321', null)).toBe('ws://127.0.0.1:4321');
    expect(requestedReplyParts('/')).toBeNull();
    expect(requestedReplyParts(undefined)).toBeNull();
  });

  it('never asks for, nor grants, parts smaller than the minimum, and ignores a value that is not a size', () => {
    expect(withReplyParts('ws://h:1', 10)).toBe(`ws://h:1/?parts=${MIN_REPLY_PART_BYTES}`);
    expect(requestedReplyParts('/?parts=1')).toBe(MIN_REPLY_PART_BYTES);
    for (const bad of ['/?parts=', '/?parts=-5', '/?parts=1e9', '/?parts=abc', '/?parts=12345678901234', '/?other=5']) {
      expect(requestedReplyParts(bad), bad).toBeNull();
    }
  });
});
