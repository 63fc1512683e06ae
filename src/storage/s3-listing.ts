import type { ListInput } from './storage.ts';

/**
 * GET Bucket semantics (spec/cos-objects.md "GET Bucket": prefix, delimiter,
 * marker, max-keys counting Contents + CommonPrefixes, UTF-8 byte order) over
 * S3 ListObjects (V1: marker paging, which every store has — COS's own API,
 * AWS, MinIO, Ceph; s3rver's V2 continuation tokens need DES, which OpenSSL 3
 * no longer offers). Stores differ in the details, so nothing is taken on
 * trust: entries are merged in byte order and only entries after the marker
 * (or after the last one returned) are kept, which also drops
 *  - a common prefix that holds the marker (the previous page's NextMarker
 *    `a/` or a key `a/b` inside it: that prefix was already returned);
 *  - common prefixes a store repeats on the next page (s3rver does; it also
 *    does not count them in MaxKeys).
 */
export interface ListEntry {
  key: string;
  size: number;
  /** S3's ETag, unquoted. */
  etag: string;
  lastModified: number;
}

export interface ListPage {
  contents: ListEntry[];
  commonPrefixes: string[];
  /** The marker of the store's next page when it has more (its NextMarker, else its last entry). */
  nextMarker: string | undefined;
}

export type FetchPage = (marker: string | undefined, maxKeys: number) => Promise<ListPage>;

/** Compares strings as S3 and COS order keys: by their UTF-8 bytes (JS `<` compares UTF-16 units). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const S3_MAX_KEYS = 1000;

export async function listCosStyle(input: ListInput, fetchPage: FetchPage): Promise<{ contents: ListEntry[]; commonPrefixes: string[]; isTruncated: boolean; nextMarker: string | undefined }> {
  // One more than asked tells whether the listing is truncated.
  const want = input.maxKeys + 1;
  const taken: Array<{ name: string; entry?: ListEntry }> = [];
  let last = input.marker;
  let marker = input.marker;
  for (;;) {
    // Always full pages: the same one request per page, and it also puts right a store whose order within a
    // page is not byte order (s3rver lists "a/" before "a": it walks directories).
    const page = await fetchPage(marker === '' ? undefined : marker, S3_MAX_KEYS);
    const merged = [
      ...page.contents.map((entry) => ({ name: entry.key, entry })),
      ...page.commonPrefixes.map((name) => ({ name, entry: undefined })),
    ].sort((a, b) => compareKeys(a.name, b.name));
    for (const e of merged) {
      if (taken.length >= want) break;
      if (compareKeys(e.name, last) <= 0) continue;
      taken.push(e);
      last = e.name;
    }
    // Stop when done, or if a store fails to move forward (never loop).
    if (taken.length >= want || page.nextMarker === undefined || compareKeys(page.nextMarker, marker) <= 0) break;
    marker = page.nextMarker;
  }
  const isTruncated = taken.length > input.maxKeys;
  const shown = taken.slice(0, input.maxKeys);
  return {
    contents: shown.flatMap((e) => (e.entry ? [e.entry] : [])),
    commonPrefixes: shown.flatMap((e) => (e.entry ? [] : [e.name])),
    isTruncated,
    nextMarker: isTruncated ? shown.at(-1)?.name : undefined,
  };
}
