import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { ObjectStorage } from '../storage/storage.ts';
import type { MetadataStore } from '../store/store.ts';

/**
 * Liveness and readiness (issue #8 §4). `/healthz` answers while the process
 * runs, draining included (a draining process must not be restarted by its
 * supervisor). `/readyz` answers 200 only when every probe passes and the
 * process is not draining: a load balancer stops sending it new requests
 * once SIGTERM arrives, before the listener closes.
 */
export interface ReadinessProbe {
  name: string;
  /** Resolves when the dependency works; MUST settle (the caller also applies a timeout). */
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  status: 'ready' | 'not-ready' | 'draining';
  /** Probe name → "ok" or the failure message. */
  checks: Record<string, string>;
}

export class Readiness {
  private draining = false;
  private cached: { at: number; report: Promise<ReadinessReport> } | undefined;

  /** `cacheMs`: reports younger than this are reused, so a probe storm costs one round of checks. */
  constructor(
    private readonly probes: readonly ReadinessProbe[],
    private readonly timeoutMs = 2000,
    private readonly cacheMs = 1000,
  ) {}

  /** From now on /readyz answers 503 (SIGTERM received). */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async report(): Promise<ReadinessReport> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= this.cacheMs) this.cached = { at: now, report: this.runProbes() };
    const r = await this.cached.report;
    return this.draining ? { ready: false, status: 'draining', checks: r.checks } : r;
  }

  private async runProbes(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.probes.map(async (p): Promise<[string, string]> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            p.check(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
            }),
          ]);
          return [p.name, 'ok'];
        } catch (err) {
          return [p.name, (err as Error).message.slice(0, 300)];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, v]) => v === 'ok');
    return { ready, status: ready ? 'ready' : 'not-ready', checks };
  }
}

/** The metadata store answers a query. */
export function storeProbe(store: MetadataStore): ReadinessProbe {
  return { name: 'store', check: async () => void (await sql`SELECT 1`.execute(store.db)) };
}

/**
 * Object storage accepts a write: a small object is put and deleted through
 * the same interface the API uses, so the probe works on every backend. The
 * bucket name is not a valid tenant bucket name (spec/cos-objects.md: bucket
 * names are `<name>-<appid>`), so no tenant can see or reach it.
 */
export const PROBE_BUCKET = '.smart-audio-readyz';

export function storageProbe(storage: ObjectStorage): ReadinessProbe {
  return {
    name: 'storage',
    check: async () => {
      const key = `probe-${process.pid}-${randomBytes(4).toString('hex')}`;
      await storage.put({
        bucket: PROBE_BUCKET,
        key,
        body: Readable.from([Buffer.from('ok')]),
        contentLength: 2,
        maxSize: 2,
        contentType: 'text/plain',
        headers: {},
        userMeta: {},
        storageClass: 'STANDARD',
      });
      await storage.delete(PROBE_BUCKET, key);
    },
  };
}
