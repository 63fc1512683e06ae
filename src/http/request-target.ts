import { ApiError } from './errors/api-error.ts';

/** One query parameter, decoded; `hasValue` is false for `?cancel`. */
export interface QueryParam {
  key: string;
  value: string;
}

export interface RequestTarget {
  /** Path as received (still percent-encoded). */
  rawPath: string;
  /** Path URL-decoded once (what the signature covers, spec/signature.md §3 step 5). */
  decodedPath: string;
  query: QueryParam[];
  /** Authority from an absolute-form request line (spec/clients.md §1), if any. */
  absoluteHost: string | undefined;
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ApiError('InvalidURI', `${what} is not valid percent-encoded UTF-8: "${text.slice(0, 200)}".`);
  }
}

/**
 * Splits a request target (origin-form `/p?q` or absolute-form
 * `http://host/p?q`) into decoded parts. `+` in the query is a space
 * (spec/clients.md §2).
 */
export function parseRequestTarget(url: string): RequestTarget {
  let absoluteHost: string | undefined;
  let rest = url;
  const abs = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url);
  if (abs) {
    absoluteHost = abs[1]!.replace(/^[^@]*@/, '');
    rest = url.slice(abs[0].length) || '/';
    if (rest.startsWith('?')) rest = '/' + rest;
  }
  const q = rest.indexOf('?');
  const rawPath = q < 0 ? rest : rest.slice(0, q);
  const rawQuery = q < 0 ? '' : rest.slice(q + 1);
  const query: QueryParam[] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    query.push({ key: decode(k.replace(/\+/g, ' '), 'Query parameter name'), value: decode(v.replace(/\+/g, ' '), 'Query parameter value') });
  }
  return { rawPath, decodedPath: decode(rawPath, 'Request path'), query, absoluteHost };
}

/** Case-insensitive lookup (spec/README.md: match query parameter names case-insensitively). */
export function queryValue(query: QueryParam[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return query.find((p) => p.key.toLowerCase() === lower)?.value;
}

export function hasQuery(query: QueryParam[], name: string): boolean {
  const lower = name.toLowerCase();
  return query.some((p) => p.key.toLowerCase() === lower);
}
