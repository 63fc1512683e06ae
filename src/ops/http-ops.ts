import type { FastifyReply, FastifyRequest } from 'fastify';
import { hostname, type AddressingOptions } from '../http/addressing.ts';
import type { RequestContext } from '../http/context.ts';
import type { RequestTarget } from '../http/request-target.ts';
import { matchRoute } from '../http/routes.ts';
import { healthz, readyz } from './health-response.ts';
import type { Metrics } from './metrics.ts';
import type { Readiness } from './readiness.ts';

/**
 * What the API server's pipeline (`http/app.ts`) asks of operations
 * (issue #8 §4): health endpoints on the API port, and per-request metrics.
 */
export interface HttpOps {
  /**
   * `/healthz` or `/readyz` when the request is a GET/HEAD of that path to a
   * Host that addresses no bucket (an IP, localhost, a name outside
   * --domain-suffix, and no --default-bucket). Path-style `/<bucket>/<key>`
   * cannot collide: `healthz` is not a bucket name (`<name>-<appid>`). A
   * bucket-addressed request for the key `healthz` stays a COS request.
   */
  healthEndpoint(method: string, host: string, target: RequestTarget): 'Healthz' | 'Readyz' | undefined;
  answerHealth(which: 'Healthz' | 'Readyz', req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
  /** Called once per answered request (onResponse). */
  recordResponse(req: FastifyRequest, reply: FastifyReply): void;
}

export function httpOps(opts: { metrics: Metrics | undefined; readiness: Readiness; addressing: AddressingOptions }): HttpOps {
  const { metrics, readiness, addressing } = opts;
  return {
    healthEndpoint(method, host, target) {
      if (method !== 'GET' && method !== 'HEAD') return undefined;
      if (target.decodedPath !== '/healthz' && target.decodedPath !== '/readyz') return undefined;
      if (addressing.defaultBucket) return undefined;
      const name = hostname(host);
      if (addressing.domainSuffixes.some((s) => name.endsWith('.' + s))) return undefined;
      return target.decodedPath === '/healthz' ? 'Healthz' : 'Readyz';
    },
    async answerHealth(which, req, reply) {
      if (req.sa) req.sa.api = which;
      const a = which === 'Healthz' ? healthz() : await readyz(readiness, false);
      reply.code(a.status).header('content-type', 'application/json').header('cache-control', 'no-store');
      return reply.send(req.method === 'HEAD' ? undefined : a.body);
    },
    recordResponse(req, reply) {
      metrics?.observeRequest(apiName(req.sa, req.method), reply.statusCode, reply.elapsedTime / 1000);
    },
  };
}

/**
 * The operation name for the `api` label: set by the router when it matched,
 * else worked out again for requests refused before routing (a bad
 * signature still counts as the GetObject it tried to be). Never a path.
 */
export function apiName(ctx: RequestContext | null | undefined, method: string): string {
  if (!ctx) return 'Unknown';
  if (ctx.api) return ctx.api;
  if (!ctx.address || !ctx.target) return (ctx.api = 'Unknown');
  try {
    return (ctx.api = matchRoute(ctx, method).route.name);
  } catch {
    return (ctx.api = 'Unknown');
  }
}
