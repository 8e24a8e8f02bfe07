/**
 * What a link brings to be let in, which also says what it links to: a meeting's code
 * (from its invitation), or, to a standing server, the member's proof (a link token made
 * afresh for each connection attempt: member-proof.ts). A server that admits anyone
 * needs no proof: no credential at all is a server's link without one.
 */
export type LinkCredential = { meetingCode: string } | { memberProof?: () => string };

export function toMeeting(credential: LinkCredential | undefined): credential is { meetingCode: string } {
  return credential !== undefined && 'meetingCode' in credential;
}

/** As the Hocuspocus provider takes it (a function is called at each attempt). */
export function providerToken(credential: LinkCredential | undefined): string | (() => string) | null {
  if (credential === undefined) return null;
  return toMeeting(credential) ? credential.meetingCode : credential.memberProof ?? null;
}
