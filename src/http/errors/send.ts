import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildXml } from '../xml/build.ts';
import { ApiError } from './api-error.ts';

/**
 * Writes an `<Error>` (spec/errors.md §3, §8) with Code, Message, Resource,
 * RequestId and TraceId, all non-empty (spec/clients.md §5). HEAD answers carry
 * the status and headers only.
 */
export function sendError(req: FastifyRequest, reply: FastifyReply, err: ApiError): FastifyReply {
  const ctx = req.sa;
  const w = err.wire(ctx.family);
  const prefix = ctx.family === 'ci' ? 'x-ci' : 'x-cos';
  reply.code(w.status).header(`${prefix}-trace-id`, ctx.traceId);
  if (w.status === 304 || req.method === 'HEAD') return reply.send();
  const resource = `${ctx.host || 'unknown-host'}${ctx.target?.rawPath ?? '/'}`;
  const body = buildXml('Error', {
    Code: w.code,
    Message: w.message,
    Resource: resource,
    RequestId: ctx.requestId,
    TraceId: ctx.traceId,
  });
  return reply.header('content-type', 'application/xml').send(body);
}
