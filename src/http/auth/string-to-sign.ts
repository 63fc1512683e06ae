/**
 * The hash-free steps of the COS request signature (spec/signature.md §2–3,
 * steps 3–6), shared by the server's verifier (through cos-signature.ts) and
 * the web console, which signs its requests in the browser with WebCrypto.
 * Deliberately Node-free: no imports, no Buffer, only standard JavaScript.
 */

/** UrlEncode of spec/signature.md §2: everything but `A–Z a–z 0–9 - _ . ~`, upper-case hex, space = %20. */
export function cosUrlEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * Steps 3/4: turns name/value pairs into the `k=v&…` string and the `k;k;…`
 * list: key → lower(UrlEncode(key)), value → UrlEncode(value), sorted
 * byte-wise on the transformed key.
 */
export function canonicalPairs(pairs: Array<{ key: string; value: string }>): { joined: string; list: string } {
  const transformed = pairs
    .map((p) => ({ key: cosUrlEncode(p.key).toLowerCase(), value: cosUrlEncode(p.value) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    joined: transformed.map((p) => `${p.key}=${p.value}`).join('&'),
    list: transformed.map((p) => p.key).join(';'),
  };
}

/** Step 5: `lower(method)\npath\nparams\nheaders\n` with the URL-decoded path. */
export function httpString(method: string, decodedPath: string, httpParameters: string, httpHeaders: string): string {
  return `${method.toLowerCase()}\n${decodedPath}\n${httpParameters}\n${httpHeaders}\n`;
}

/** Step 6: `sha1\n<q-sign-time>\n<SHA1(HttpString) hex>\n`. */
export function stringToSign(signTime: string, httpStringSha1Hex: string): string {
  return `sha1\n${signTime}\n${httpStringSha1Hex}\n`;
}

/** Step 8: the `Authorization` value (spec/signature.md §1). */
export function authorizationValue(f: { secretId: string; keyTime: string; headerList: string; urlParamList: string; signature: string }): string {
  return [
    'q-sign-algorithm=sha1',
    `q-ak=${f.secretId}`,
    `q-sign-time=${f.keyTime}`,
    `q-key-time=${f.keyTime}`,
    `q-header-list=${f.headerList}`,
    `q-url-param-list=${f.urlParamList}`,
    `q-signature=${f.signature}`,
  ].join('&');
}
