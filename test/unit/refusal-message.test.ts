/**
 * What a member is told when a members-only server refuses the proof of who they are:
 * that the app could not read their key (and the key file's own message on what to do)
 * when that is why, else that the proof was refused. Never "ask for access", which
 * would send them to the secretariat for something only their own computer can mend.
 */
import { describe, expect, it } from 'vitest';
import { MEMBERS_ONLY_NOT_LISTED, MEMBERS_ONLY_TOKEN_REFUSED, refusalMessage, refusalNote } from '../../main/services/sync/refusal-message.ts';

const where = 'ws://server.example:4455';
const keyProblem = 'The identity file /home/ana/identity.json is damaged (not JSON). Restore it from a backup; it was left as it is.';

describe('a members-only server refusing the proof of who the member is', () => {
  it('says the app could not read the key, with the key file\'s own message, when it could not', () => {
    expect(refusalMessage({ meeting: false, reason: MEMBERS_ONLY_TOKEN_REFUSED, where, keyProblem })).toBe(
      `${where} admits this report's members only, and this app could not read your identity key to prove who you are: ${keyProblem}`,
    );
    expect(refusalNote({ meeting: false, reason: MEMBERS_ONLY_TOKEN_REFUSED, keyProblem })).toBe(
      'The server admits members only and this app could not read your identity key: The identity file /home/ana/identity.json is damaged (not JSON). Restore it from a backup; it was left as it is',
    );
  });

  it('says the proof was refused, and to connect again or tell whoever runs the server, when the key reads', () => {
    for (const problem of [null, undefined]) {
      expect(refusalMessage({ meeting: false, reason: MEMBERS_ONLY_TOKEN_REFUSED, where, keyProblem: problem })).toMatch(/did not accept this app's proof of who you are\. Connect again; if it is refused again, tell whoever runs the server/);
      expect(refusalNote({ meeting: false, reason: MEMBERS_ONLY_TOKEN_REFUSED, keyProblem: problem })).toMatch(/did not accept this app's proof of who you are; connect again, or tell whoever runs it$/);
    }
  });

  it('tells any other refusal as before, whatever the key', () => {
    expect(refusalNote({ meeting: false, reason: MEMBERS_ONLY_NOT_LISTED, keyProblem })).toMatch(/^The server admits members only and its roster does not hold your key/);
    expect(refusalNote({ meeting: false, reason: 'something else', keyProblem })).toBe('The server did not let you in; ask the secretariat for access');
    expect(refusalNote({ meeting: true, reason: MEMBERS_ONLY_TOKEN_REFUSED, keyProblem })).toBe('The meeting did not accept the code; ask the host for the invitation');
  });
});
