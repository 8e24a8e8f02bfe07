/**
 * What a link brings to be let in, which also says what it links to: a meeting's code
 * (from its invitation), or, to a standing server, the member's proof (a link token made
 * afresh for each connection attempt: member-proof.ts). A server that admits anyone
 * needs no proof: no credential at all is a server's link without one.
 */
export type LinkCredential = { meetingCode: string } | ServerCredential;

export interface ServerCredential {
  memberProof?: () => string;
  /**
   * Why this app can prove no one (the member's key cannot be read), or null: a
   * members-only server's refusal of the empty proof is then told by this, not as a
   * matter of access.
   */
  keyProblem?: () => string | null;
}

export function toMeeting(credential: LinkCredential | undefined): credential is { meetingCode: string } {
  return credential !== undefined && 'meetingCode' in credential;
}

/** Why the app could not prove its member on a link with `credential` (none for a meeting, or while the key reads). */
export function keyProblemOf(credential: LinkCredential | undefined): string | null {
  return credential === undefined || toMeeting(credential) ? null : credential.keyProblem?.() ?? null;
}

/** As the Hocuspocus provider takes it (a function is called at each attempt). */
export function providerToken(credential: LinkCredential | undefined): string | (() => string) | null {
  if (credential === undefined) return null;
  return toMeeting(credential) ? credential.meetingCode : credential.memberProof ?? null;
}
