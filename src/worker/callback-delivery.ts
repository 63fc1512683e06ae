import { appendFile, mkdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { AddressPolicy } from '../net/address-policy.ts';
import { guardedLookup } from '../net/fetch-guarded.ts';
import type { MetadataStore } from '../store/store.ts';

/**
 * Delivers queued job notifications (spec/callbacks.md §1 → Impl): POST, 2xx
 * = delivered, otherwise retried with backoff apart from the job (a finished
 * job's state never waits for or depends on delivery). At-least-once: every
 * POST carries `x-ci-notification-id` (stable across retries) for receivers
 * to de-duplicate. Targets are re-checked against the address policy at
 * connect time, on the address actually dialled (no DNS-rebinding bypass).
 * TDMQ targets (`tdmq://region/mode/name`) are appended as JSON lines to
 * `<data-dir>/tdmq/<region>/<name>.jsonl` — a local stand-in for the message
 * queue that keeps every message (spec/callbacks.md §5 → Impl).
 */
export const BACKOFF_MS = [2_000, 10_000, 30_000, 120_000, 600_000, 1_800_000];

export interface DeliveryOptions {
  store: MetadataStore;
  policy: AddressPolicy;
  maxAttempts: number;
  timeoutMs: number;
  tdmqDir: string;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** Told of every delivery attempt's outcome (metrics). */
  onOutcome?: (outcome: 'delivered' | 'failed' | 'given-up') => void;
  /** For tests: shorter backoff. */
  backoffMs?: readonly number[];
}

export class CallbackDeliverer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private again = false;
  private intervalMs = 1000;
  deliveredCount = 0;
  failedCount = 0;

  constructor(private readonly o: DeliveryOptions) {}

  start(intervalMs = 1000): void {
    this.intervalMs = intervalMs;
    this.schedule(10);
  }

  /** Wakes the loop now (a job just finished). One pass runs at a time. */
  poke(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.deliverDue()
        .then(
          () => undefined,
          (err: unknown) => this.o.log.error({ err }, 'callback delivery loop failed'),
        )
        .finally(() => {
          this.running = undefined;
          const soon = this.again;
          this.again = false;
          this.schedule(soon ? 0 : this.intervalMs);
        });
    }, ms);
  }

  /** One pass over due notifications. */
  async deliverDue(now = this.o.store.now()): Promise<number> {
    // Claim the due rows by pushing their next_at past one delivery attempt,
    // so another process running a deliverer does not send them at the same time.
    const due = await this.o.store.writeTx(async (tx) => {
      let q = tx.selectFrom('callbacks').selectAll().where('state', '=', 'pending').where('next_at', '<=', now).orderBy('next_at').limit(16);
      // Deliverers in other processes claiming at the same moment skip these rows instead of sending them too.
      if (this.o.store.capabilities.skipLocked) q = q.forUpdate().skipLocked();
      const rows = await q.execute();
      if (rows.length > 0) {
        await tx.updateTable('callbacks').set({ next_at: now + this.o.timeoutMs + 5_000 }).where('id', 'in', rows.map((r) => r.id)).execute();
      }
      return rows;
    });
    await Promise.all(
      due.map(async (cb) => {
        let error: string | undefined;
        try {
          if (cb.url.startsWith('tdmq://')) await this.appendTdmq(cb.url, cb.body, cb.content_type);
          else await this.post(cb.url, cb.body, cb.content_type, cb.id, cb.job_id);
        } catch (err) {
          error = (err as Error).message.slice(0, 500);
        }
        const attempts = Number(cb.attempts) + 1;
        if (error === undefined) {
          this.deliveredCount++;
          this.o.onOutcome?.('delivered');
          await this.o.store.db.updateTable('callbacks').set({ state: 'delivered', attempts, delivered_at: this.o.store.now(), last_error: null }).where('id', '=', cb.id).execute();
          return;
        }
        const backoff = this.o.backoffMs ?? BACKOFF_MS;
        const giveUp = attempts >= this.o.maxAttempts;
        if (giveUp) this.failedCount++;
        this.o.onOutcome?.(giveUp ? 'given-up' : 'failed');
        this.o.log.warn({ jobId: cb.job_id, attempts, error, giveUp }, 'callback delivery failed');
        await this.o.store.db
          .updateTable('callbacks')
          .set({ state: giveUp ? 'failed' : 'pending', attempts, last_error: error, next_at: this.o.store.now() + backoff[Math.min(attempts - 1, backoff.length - 1)]! })
          .where('id', '=', cb.id)
          .execute();
      }),
    );
    return due.length;
  }

  private async appendTdmq(url: string, body: string, contentType: string): Promise<void> {
    const [, region, mode, name] = /^tdmq:\/\/([^/]+)\/([^/]+)\/(.+)$/.exec(url) ?? [];
    if (!region || !name) throw new Error(`bad TDMQ target ${url}`);
    const safeName = decodeURIComponent(name).replace(/[^A-Za-z0-9_.-]/g, '_');
    const dir = join(this.o.tdmqDir, region.replace(/[^a-z]/g, ''));
    await mkdir(dir, { recursive: true });
    await appendFile(join(dir, `${safeName}.jsonl`), JSON.stringify({ at: new Date().toISOString(), mode, contentType, body }) + '\n');
  }

  private post(url: string, body: string, contentType: string, id: string, jobId: string): Promise<void> {
    const target = new URL(url);
    const policy = this.o.policy;
    // Resolve, then refuse any address the policy does not allow; the socket connects to the checked address.
    const lookup = guardedLookup(policy, 'callbacks', (m) => new Error(`callback refused: ${m}`));
    const hostIsIp = isIP(target.hostname.replace(/^\[|\]$/g, '')) !== 0;
    if (hostIsIp) {
      const why = policy.check(target.hostname);
      if (why) return Promise.reject(new Error(`callback refused: ${why}`));
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        target,
        {
          method: 'POST',
          lookup: hostIsIp ? undefined : lookup,
          timeout: this.o.timeoutMs,
          headers: {
            'content-type': contentType,
            'content-length': Buffer.byteLength(body),
            'user-agent': 'smart-audio',
            'x-ci-notification-id': id,
            'x-ci-job-id': jobId,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const s = res.statusCode ?? 0;
            if (s >= 200 && s < 300) resolve();
            else reject(new Error(`callback answered HTTP ${s}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`callback timed out after ${this.o.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
