import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../http/errors/api-error.ts';
import type { LocatedSignature } from '../http/auth/verify.ts';

/**
 * Browsers cannot set `Host` (a forbidden header name), so the web console
 * names the virtual host it means — `<bucket>.ci.<region>.myqcloud.com`,
 * `ci.<region>.myqcloud.com`, `<bucket>.cos.<region>.myqcloud.com` — in this
 * request header instead, and the server routes on it as if it were the Host
 * (spec/clients.md §1 addressing rules, unchanged).
 *
 * It is honoured only when the request's signature covers it (listed in
 * q-header-list), so it cannot redirect a request someone else signed. SDK
 * requests never send it: their wire behaviour is unchanged.
 */
export const CONSOLE_HOST_HEADER = 'x-smart-audio-host';

/** The header's value, when sent (a repeated header is refused as ambiguous). */
export function readConsoleHost(headers: IncomingHttpHeaders): string | undefined {
  const v = headers[CONSOLE_HOST_HEADER];
  if (v === undefined) return undefined;
  if (Array.isArray(v) || v.trim() === '') throw new ApiError('InvalidHost', `${CONSOLE_HOST_HEADER} must be sent once, with a host name.`);
  return v.trim();
}

/** Refuses a console host header the signature does not cover. */
export function requireSignedConsoleHost(located: LocatedSignature): void {
  if (!located.fields.headerList.includes(CONSOLE_HOST_HEADER)) {
    throw new ApiError('AccessDenied', `The ${CONSOLE_HOST_HEADER} header is honoured only when it is signed (listed in q-header-list).`);
  }
}
