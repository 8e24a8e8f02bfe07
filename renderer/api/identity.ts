/**
 * The user's public key, as the host knows it. Reading it changes nothing, so a request
 * lost with the link (the page opened while the host was still starting, a dropped
 * socket) is asked again; it waits for the link to be back. Only a real refusal fails.
 */
import { LinkLostError, type PlenaryApi } from '../../shared/api.ts';

export async function readPublicKey(api: PlenaryApi): Promise<string> {
  for (;;) {
    try {
      return (await api.request('identity')).publicKey;
    } catch (error) {
      if (!(error instanceof LinkLostError)) throw error;
    }
  }
}
