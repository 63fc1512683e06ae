/**
 * The time every process of one deployment agrees on: the database's.
 *
 * Lease expiry, `run_after`, callback `next_at` and job times are compared
 * across processes; on PostgreSQL those may run on several hosts whose clocks
 * differ. A worker whose clock runs minutes behind an API server would leave
 * new jobs waiting (their `run_after` lies in its future), and one running
 * ahead would take over leases that have not expired. So lease-related times
 * come from `MetadataStore.now()`: this host's clock plus its measured offset
 * to the database server's clock (re-measured every minute, from the sample
 * with the shortest round trip, as NTP does). SQLite lives on one host: there,
 * it is just `Date.now()`.
 */
export interface StoreClock {
  /** Milliseconds since the epoch, on the database's clock. */
  now(): number;
}


export class OffsetClock implements StoreClock {
  private offsetMs = 0;
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param readServerMs one query of the database's current time (epoch ms)
   * @param local this host's clock (injectable for tests)
   */
  constructor(
    private readonly readServerMs: () => Promise<number>,
    private readonly local: () => number = Date.now,
  ) {}

  now(): number {
    return Math.round(this.local() + this.offsetMs);
  }

  /** The current offset estimate (server − local), ms. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Measures the offset from `samples` round trips; keeps the estimate of the fastest one. */
  async sync(samples = 3): Promise<void> {
    let best: { rtt: number; offset: number } | undefined;
    for (let i = 0; i < samples; i++) {
      const t0 = this.local();
      const server = await this.readServerMs();
      const t1 = this.local();
      const rtt = t1 - t0;
      // The server read its clock somewhere in the round trip: assume the middle.
      const offset = server - (t0 + t1) / 2;
      if (!best || rtt < best.rtt) best = { rtt, offset };
    }
    if (best) this.offsetMs = best.offset;
  }

  /** Re-measures every `intervalMs` (failures keep the last estimate: the database may be restarting). */
  start(intervalMs = 60_000): void {
    this.stop();
    this.timer = setInterval(() => void this.sync().catch(() => undefined), intervalMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
