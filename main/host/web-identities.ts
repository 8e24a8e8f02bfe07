/**
 * Identities in the browser host. The desktop app has one user and one key pair in its
 * data folder. The browser host may serve several people at once (a meeting, the e2e
 * tests acting as several members), so each browser profile gets its own identity:
 * the page keeps a random token in its localStorage and names it in the socket URL
 * (`?identity=<32 hex>`); the host keeps that token's key pair in
 * `<data>/web-identities/<token>/identity.json` (identity.ts: 0600, created on first
 * use). Keys stay in the host process, exactly as in Electron's main; the token only
 * says which of the host's identities signs for this page. Tabs of one profile share
 * it, as one person's windows do. A page without a token signs with the host user's
 * own identity (`<data>/identity.json`).
 *
 * The token is no password: whoever can reach the host (127.0.0.1 only) can already edit
 * the report; it only keeps the people using one host apart.
 */
import { join } from 'node:path';
import { Identity } from '../services/identity.ts';

export const IDENTITY_PARAM = 'identity';
const TOKEN = /^[0-9a-f]{32}$/;

export class WebIdentities {
  private readonly dataDir: string;
  private readonly open = new Map<string, Identity>();

  constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  /** The identity for a page's token (null or malformed: the host user's own). */
  for(token: string | null): Identity {
    const key = token && TOKEN.test(token) ? token : '';
    let identity = this.open.get(key);
    if (!identity) {
      identity = Identity.open(key ? join(this.dataDir, 'web-identities', key) : this.dataDir);
      this.open.set(key, identity);
    }
    return identity;
  }
}
