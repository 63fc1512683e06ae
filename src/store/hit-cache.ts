import type { MetadataStore } from './store.ts';

/**
 * Short-lived cache of rows that every request looks up (a bucket, its Smart
 * Audio enablement), per store instance. Callers cache hits only, so a row
 * created by another process is seen at once; one removed by another process
 * may be seen for up to `ttlMs`. Cleared whole past `maxEntries` (bounded memory).
 */
export class HitCache<T> {
  private readonly byStore = new WeakMap<MetadataStore, Map<string, { value: T; until: number }>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(store: MetadataStore, key: string, now = Date.now()): T | undefined {
    const hit = this.byStore.get(store)?.get(key);
    return hit && hit.until > now ? hit.value : undefined;
  }

  set(store: MetadataStore, key: string, value: T, now = Date.now()): void {
    let entries = this.byStore.get(store);
    if (!entries) this.byStore.set(store, (entries = new Map()));
    if (entries.size > this.maxEntries) entries.clear();
    entries.set(key, { value, until: now + this.ttlMs });
  }

  delete(store: MetadataStore, key: string): void {
    this.byStore.get(store)?.delete(key);
  }
}
