/**
 * What a link brings to be let in, which also says what it links to: a meeting's code
 * (from its invitation), or, to a standing server, the member's proof (a link token made
 * afresh for each connection attempt: member-proof.ts). A server that admits anyone
 * needs no proof.
 */
export type LinkCredential = { meetingCode: string } | { memberProof?: () => string };

/** A server's link with no proof: what a server that admits anyone takes. */
export const NO_PROOF: LinkCredential = {};

export function toMeeting(credential: LinkCredential): credential is { meetingCode: string } {
  return 'meetingCode' in credential;
}

/** As the Hocuspocus provider takes it (a function is called at each attempt). */
export function providerToken(credential: LinkCredential): string | (() => string) | null {
  return toMeeting(credential) ? credential.meetingCode : credential.memberProof ?? null;
}
