/**
 * Which certificate authorities a wss:// link trusts. Node checks a server's certificate
 * against its own bundled list only, not the computer's: a working group whose server
 * has a certificate from its organization's own authority (installed on every laptop by
 * its IT department, and trusted by the browsers there) could not connect. The app adds
 * the computer's trusted authorities to Node's. (NODE_EXTRA_CA_CERTS does not help in the
 * packaged app: its NODE_OPTIONS fuse is off, electron-builder.yml.)
 */
import * as tls from 'node:tls';

let done = false;

/**
 * Before the first wss:// connection (reading the store takes ~0.1 s, which no launch
 * should pay for a link it may never make); later calls do nothing. Where Node cannot do
 * it, nothing changes.
 */
export function trustSystemCertificates(): void {
  if (done) return;
  done = true;
  if (typeof tls.setDefaultCACertificates !== 'function' || typeof tls.getCACertificates !== 'function') return;
  try {
    tls.setDefaultCACertificates([...new Set([...tls.getCACertificates('default'), ...tls.getCACertificates('system')])]);
  } catch {
    // The system store could not be read: Node's own list still applies.
  }
}
