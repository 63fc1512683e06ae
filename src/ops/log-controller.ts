import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { apiName } from './http-ops.ts';

/**
 * Per-request log lines (issue #8 §4): JSON from pino, keyed by `requestId`
 * — the value clients receive in `x-cos-request-id` / `x-ci-request-id` — and
 * the "request completed" line names the API operation, so one grep joins a
 * client's error report to the server's log. Secrets stay out: the request
 * serializer (`http/app.ts`) redacts presigned query values and logs no
 * headers but Host.
 */
export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (this.isLogDisabled(request)) return;
    const api = apiName(request.sa, request.method);
    if (error) reply.log.error({ api, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ api, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    void metadata;
  }
}
