import type { Credentials } from './signer.ts';

/**
 * The signed-in key lives only in this tab's sessionStorage (issue #9 §1):
 * closing the tab forgets it; it is never sent anywhere except as signatures.
 */
export interface Session extends Credentials {
  region: string;
  /** Learnt from GET Service (Owner.DisplayName); '' when the key may not list buckets. */
  appid: string;
}

const KEY = 'smart-audio-console-session';

export function loadSession(): Session | undefined {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && s.secretId && s.secretKey ? s : undefined;
  } catch {
    return undefined;
  }
}

export const saveSession = (s: Session): void => sessionStorage.setItem(KEY, JSON.stringify(s));
export const clearSession = (): void => sessionStorage.removeItem(KEY);
