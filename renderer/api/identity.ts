/**
 * The user's public key, as the host knows it. Reading it changes nothing, so a request
 * lost with the link (the page opened while the host was still starting, a dropped
 * socket) is asked again; it waits for the link to be back. Only a real refusal fails.
 */
import { LinkLostError, type PlenaryApi } from '../../shared/api.ts';

const keys = new WeakMap<PlenaryApi, Promise<string>>();

/** The key, asked once per page: the views that need it share the answer. */
export function readPublicKey(api: PlenaryApi): Promise<string> {
  let key = keys.get(api);
  if (!key) {
    key = askUntilAnswered(api);
    keys.set(api, key);
  }
  return key;
}

async function askUntilAnswered(api: PlenaryApi): Promise<string> {
  for (;;) {
    try {
      return (await api.request('identity')).publicKey;
    } catch (error) {
      if (!(error instanceof LinkLostError)) throw error;
    }
  }
}
