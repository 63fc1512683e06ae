import { authorizationValue, canonicalPairs, httpString, stringToSign } from '../../http/auth/string-to-sign.ts';
import { hmacSha1Hex, sha1Hex } from './sha1.ts';

/**
 * Signs a console request exactly as the SDKs do (spec/signature.md §3), with
 * the string-to-sign steps shared with the server's verifier.
 */
export interface Credentials {
  secretId: string;
  secretKey: string;
}

export interface ToSign {
  method: string;
  /** URL-decoded path (`/jobs`, `/in/song.mp3`). */
  decodedPath: string;
  query: Record<string, string>;
  /** Lower-case names; every one is signed. */
  headers: Record<string, string>;
}

/** Key window: one hour from a minute ago (the Python SDK's start − 60 s tolerates a slow clock). */
export async function authorization(cred: Credentials, r: ToSign, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  const keyTime = `${nowSeconds - 60};${nowSeconds + 3600}`;
  const params = canonicalPairs(Object.entries(r.query).map(([key, value]) => ({ key, value })));
  const headers = canonicalPairs(Object.entries(r.headers).map(([key, value]) => ({ key, value })));
  const signKey = await hmacSha1Hex(cred.secretKey, keyTime);
  const http = httpString(r.method, r.decodedPath, params.joined, headers.joined);
  const signature = await hmacSha1Hex(signKey, stringToSign(keyTime, await sha1Hex(http)));
  return authorizationValue({ secretId: cred.secretId, keyTime, headerList: headers.list, urlParamList: params.list, signature });
}
