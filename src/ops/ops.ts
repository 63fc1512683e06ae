import type { Config } from '../config/load.ts';
import type { ObjectStorage } from '../storage/storage.ts';
import type { MetadataStore } from '../store/store.ts';
import { startAdminServer, type AdminServer } from './admin-server.ts';
import { httpOps, type HttpOps } from './http-ops.ts';
import { Metrics } from './metrics.ts';
import { Readiness, storageProbe, storeProbe } from './readiness.ts';

/**
 * Operations of one process (issue #8 §4), built once by `main.ts`: metrics,
 * readiness, the admin listener when `--metrics-port` is set, and the hooks
 * the API pipeline calls.
 */
export interface Ops {
  metrics: Metrics;
  readiness: Readiness;
  http: HttpOps;
  /** The admin listener's port, when it runs. */
  adminPort: number | undefined;
  /** Closes the admin listener (last step of shutdown). */
  close(): Promise<void>;
}

export async function startOps(config: Config, store: MetadataStore, storage: ObjectStorage): Promise<Ops> {
  const metrics = new Metrics(store);
  const readiness = new Readiness([storeProbe(store), storageProbe(storage)]);
  let admin: AdminServer | undefined;
  if (config.metricsPort > 0) admin = await startAdminServer({ host: config.metricsHost, port: config.metricsPort, metrics, readiness });
  return {
    metrics,
    readiness,
    http: httpOps({ metrics, readiness, addressing: config }),
    adminPort: admin?.port,
    close: async () => admin?.close(),
  };
}
