/**
 * A wss:// server the computer cannot check is not a network that comes and goes: the
 * link would retry for ever while the status line said "offline". These are the TLS
 * failures (Node's error codes) worth telling the member about, in our words.
 */
const TLS_PROBLEMS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the server\'s certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server\'s certificate is for another address',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server\'s certificate is not trusted on this computer',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server\'s certificate is not trusted on this computer',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server\'s certificate is not trusted on this computer',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server\'s certificate is not trusted on this computer',
  CERT_NOT_YET_VALID: 'the server\'s certificate is not valid yet (check this computer\'s clock)',
};

export function tlsProblem(error: { code?: string }): string | null {
  return (error.code && TLS_PROBLEMS[error.code]) || null;
}
