import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Config } from '../config/load.ts';
import type { ObjectStorage } from '../storage/storage.ts';
import type { MetadataStore } from '../store/store.ts';
import type { Address } from './addressing.ts';
import type { PrincipalResolver, Principal } from './auth/principals.ts';
import type { RequestTarget } from './request-target.ts';
import type { HttpOps } from '../ops/http-ops.ts';

/** What every handler can reach. Built once in `main.ts`; no globals. */
export interface AppDeps {
  config: Config;
  store: MetadataStore;
  storage: ObjectStorage;
  principals: PrincipalResolver;
  /**
   * Called inside the transaction that disables Smart Audio on a bucket, before
   * its queue is deleted (the job module cancels the queue's waiting jobs).
   */
  onQueueDeleted?: (tx: Kysely<Database>, queueId: string) => Promise<void>;
  /** Called after a queue's settings changed (the scheduler re-reads State/MaxConcurrent). */
  onQueueUpdated?: (queueId: string) => void;
  /** Called after a job was stored (wakes an in-process worker). */
  onJobSubmitted?: (jobId: string) => void;
  /** Job tags this server can run (a pipeline is installed for each). */
  jobTags: readonly string[];
  /** Throws ValidationError when a callback URL may not be used (literal private addresses, bad scheme). */
  checkCallbackUrl: (url: string) => void;
  /** Health endpoints on the API port and request metrics (issue #8 §4); absent in bare test apps. */
  ops?: HttpOps;
}

/** Per-request facts established by the onRequest pipeline, before routing. */
export interface RequestContext {
  requestId: string;
  traceId: string;
  family: 'ci' | 'cos';
  /** Host as received (or the absolute-form authority / forwarded host when configured). */
  host: string;
  address: Address | undefined;
  target: RequestTarget | undefined;
  principal: Principal | undefined;
  /** Operation name of the matched route (`routes.ts`), for metrics and logs. */
  api?: string;
}

export interface HandlerArgs {
  req: FastifyRequest;
  reply: FastifyReply;
  deps: AppDeps;
  ctx: RequestContext & { address: Address; target: RequestTarget; principal: Principal };
  /** Captures of the route's path pattern (CI routes), e.g. the template id. */
  params: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    sa: RequestContext;
  }
}
