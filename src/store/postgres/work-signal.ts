import pg from 'pg';
import type { WorkSignal } from '../store.ts';

/** The LISTEN/NOTIFY channel on which any process announces runnable work. */
const CHANNEL = 'smart_audio_work';

/**
 * Wakes idle workers in every process when a job is submitted or a queue
 * resumes (PostgreSQL LISTEN/NOTIFY), so a separate `smart-audio worker`
 * starts a job at once instead of at its next poll. Polling stays as the
 * fallback: a notification lost while the listener reconnects only costs
 * one poll interval.
 */
export class PgWorkSignal implements WorkSignal {
  private client: pg.Client | undefined;
  private connecting = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
  ) {}

  async announce(): Promise<void> {
    await this.pool.query(`NOTIFY ${CHANNEL}`);
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    if (!this.client && !this.connecting) void this.connect();
    return () => this.listeners.delete(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private fire(): void {
    for (const f of this.listeners) f();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.connecting = true;
    const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000, application_name: 'smart-audio-listen' });
    c.on('error', () => undefined); // followed by 'end', which reconnects
    c.on('notification', () => this.fire());
    c.on('end', () => {
      if (this.client !== c) return;
      this.client = undefined;
      this.retry();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      if (this.closed) {
        await c.end().catch(() => undefined);
        return;
      }
      this.client = c;
      this.fire(); // anything announced while we were not listening
    } catch {
      await c.end().catch(() => undefined);
      this.retry();
    } finally {
      this.connecting = false;
    }
  }

  private retry(): void {
    if (this.closed || this.listeners.size === 0) return;
    this.retryTimer = setTimeout(() => void this.connect(), 1000);
    this.retryTimer.unref();
  }
}
