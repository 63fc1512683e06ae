import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { newRequestId } from '../domain/ids.ts';
import { RequestLogController } from '../ops/log-controller.ts';
import { httpDate } from '../domain/time.ts';
import { resolveAddress } from './addressing.ts';
import { checkBucketAccount, authorize } from './auth/principals.ts';
import { checkTimeWindow, locateSignature, verifySignature } from './auth/verify.ts';
import type { AppDeps, HandlerArgs, RequestContext } from './context.ts';
import { ApiError, toApiError } from './errors/api-error.ts';
import { sendError } from './errors/send.ts';
import { parseRequestTarget } from './request-target.ts';
import { readConsoleHost, requireSignedConsoleHost } from '../console/console-host.ts';
import { isConsoleRequest, registerConsoleRoutes } from '../console/serve.ts';
import { defaultResources, matchRoute } from './routes.ts';

/**
 * The request pipeline, in order (STYLE.md §2, localstack's handler chain):
 *  1. request id + family headers        (spec/errors.md §2)
 *  2. addressing: Host → bucket/region   (spec/clients.md §1; Host never rewritten)
 *  3. signature, before any body is read (spec/signature.md §5)
 *  4. route → account boundary → CAM     (issue #2 §4)
 *  5. handler (reads its own body: XML with a limit, objects streamed)
 * Every throw ends in `sendError` with the documented `<Error>` shape.
 */
const ABSOLUTE_HOST = Symbol('absoluteHost');
const PID = process.pid;

function guessFamily(host: string): 'ci' | 'cos' {
  return /(^|\.)ci\./i.test(host) ? 'ci' : 'cos';
}

/** Query values that must never reach a log line: presigned signatures and tokens. */
function redactUrl(url: string): string {
  return url.replace(/([?&](?:q-signature|q-ak|x-cos-security-token|x-ci-security-token)=)[^&]*/gi, '$1[redacted]');
}

/** A media type as Fastify's content-type check accepts it (type/subtype, then parameters). */
const MEDIA_TYPE = /^\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*(;.*)?$/;
const RAW_CONTENT_TYPE = Symbol('rawContentType');

export function buildApp(deps: AppDeps) {
  const { config } = deps;
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            serializers: {
              req: (req) => ({
                method: req.method,
                url: redactUrl(req.url),
                host: typeof req.headers.host === 'string' ? req.headers.host : undefined,
                remoteAddress: req.socket?.remoteAddress,
              }),
            },
          },
    genReqId: () => newRequestId(),
    // Log lines carry the id clients see in x-cos-request-id / x-ci-request-id.
    logController: new RequestLogController(),
    // The router refuses some targets (bad percent-encoding) before any hook
    // runs; answer those in the documented XML shape too.
    frameworkErrors: (err, req, reply) => {
      const host = req.headers.host ?? '';
      req.sa = { requestId: req.id, traceId: req.id, family: guessFamily(host), host, address: undefined, target: undefined, principal: undefined };
      reply.header('date', httpDate(Date.now())).header(req.sa.family === 'ci' ? 'x-ci-request-id' : 'x-cos-request-id', req.id);
      const apiErr = err.code === 'FST_ERR_BAD_URL' ? new ApiError('InvalidURI', `The request path is not valid percent-encoded UTF-8.`) : toApiError(err);
      void sendError(req, reply, apiErr);
    },
    bodyLimit: config.maxXmlBodyBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestTimeout: 0,
    // Absolute-form targets (`POST http://bucket.ci.region.myqcloud.com/jobs`,
    // spec/clients.md §1) are routed on their path; the authority is kept for addressing.
    rewriteUrl: (req) => {
      const url = req.url ?? '/';
      const abs = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url);
      if (!abs) return url;
      (req as unknown as Record<symbol, string>)[ABSOLUTE_HOST] = url;
      const rest = url.slice(abs[0].length) || '/';
      return rest.startsWith('?') ? '/' + rest : rest;
    },
  });

  app.decorateRequest('sa', null as unknown as RequestContext);

  // Bodies are read by the handlers themselves (XML with a size limit, objects
  // streamed to storage), so the framework's parsers stay out of the way.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
  // Fastify answers 415 before any parser when Content-Type is not a valid media type; COS takes
  // any value, and the SDKs send an empty one on bodiless POSTs (multipart Initiate). Hide such a
  // header from the framework's check and give it back to the handler.
  app.addHook('preParsing', async (req) => {
    const ct = req.headers['content-type'];
    if (ct !== undefined && !MEDIA_TYPE.test(ct)) {
      (req as unknown as Record<symbol, string>)[RAW_CONTENT_TYPE] = ct;
      delete req.headers['content-type'];
    }
  });
  app.addHook('preValidation', async (req) => {
    const ct = (req as unknown as Record<symbol, string | undefined>)[RAW_CONTENT_TYPE];
    if (ct !== undefined) req.headers['content-type'] = ct;
  });

  app.addHook('onRequest', async (req, reply) => {
    // Unsigned GETs under /console/ are the web console's own files (src/console/serve.ts).
    if (isConsoleRequest(req)) return;
    const requestId = req.id;
    const originalUrl = (req.raw as unknown as Record<symbol, string | undefined>)[ABSOLUTE_HOST] ?? req.raw.url ?? '/';
    const forwarded = config.trustForwardedHost ? (req.headers['x-forwarded-host'] as string | undefined)?.split(',')[0]?.trim() : undefined;
    const receivedHost = req.headers.host ?? '';
    // The web console names its virtual host in a signed header (src/console/console-host.ts).
    const consoleHost = readConsoleHost(req.headers);
    const ctx: RequestContext = {
      requestId,
      traceId: Buffer.from(`${requestId}:${PID}`).toString('base64url'),
      family: guessFamily(consoleHost ?? forwarded ?? receivedHost),
      host: consoleHost ?? forwarded ?? receivedHost,
      address: undefined,
      target: undefined,
      principal: undefined,
    };
    req.sa = ctx;
    reply.header('date', httpDate(Date.now()));
    reply.header('server', ctx.family === 'ci' ? 'tencent-ci' : 'tencent-cos');
    reply.header(ctx.family === 'ci' ? 'x-ci-request-id' : 'x-cos-request-id', requestId);

    const target = parseRequestTarget(originalUrl);
    ctx.target = target;
    // RFC 9112 §3.2.2: with an absolute-form target, its authority is the host.
    if (target.absoluteHost && !forwarded && !consoleHost) ctx.host = target.absoluteHost;
    const health = deps.ops?.healthEndpoint(req.method, ctx.host, target);
    if (health) return deps.ops!.answerHealth(health, req, reply);
    ctx.address = resolveAddress(ctx.host, target.decodedPath, config);

    const located = locateSignature(req.headers, target.query);
    if (consoleHost !== undefined) requireSignedConsoleHost(located);
    checkTimeWindow(located.fields, Math.floor(Date.now() / 1000), config.clockSkewSeconds);
    const { principal, secretKey } = await deps.principals.resolve(located.fields.secretId);
    const hostCandidates = [...new Set([ctx.host, ctx.host.replace(/:\d+$/, ''), receivedHost, receivedHost.replace(/:\d+$/, '')])];
    verifySignature(
      {
        method: req.method,
        decodedPath: target.decodedPath,
        query: target.query,
        headers: req.headers,
        hostCandidates,
        nowSeconds: Math.floor(Date.now() / 1000),
        clockSkewSeconds: config.clockSkewSeconds,
        // A signed console host header already binds the signature to the addressed host (§5.7's purpose).
        requireSignedHost: config.requireSignedHost && consoleHost === undefined,
      },
      located,
      secretKey,
    );
    ctx.principal = principal;
  });

  // Returning `reply` tells Fastify the handler has sent (or is streaming) the
  // answer itself; resolving `undefined` would end a streamed body early.
  const handle = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const ctx = req.sa as HandlerArgs['ctx'];
    const a = ctx.address;
    if (a.kind === 'cos-bucket' || a.kind === 'ci-bucket') checkBucketAccount(ctx.principal, a.bucket);
    const { route, params } = matchRoute(ctx, req.method);
    ctx.api = route.name;
    if (!route.authorizeInHandler) authorize(ctx.principal, route.action, (route.resources ?? defaultResources)(ctx, params));
    await route.handler({ req, reply, deps, ctx, params });
    return reply;
  };
  app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'], url: '/', handler: handle, exposeHeadRoute: false });
  registerConsoleRoutes(app, handle, config.domainSuffixes[0]);
  app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'], url: '/*', handler: handle, exposeHeadRoute: false });

  if (deps.ops) {
    const ops = deps.ops;
    app.addHook('onResponse', async (req, reply) => ops.recordResponse(req, reply));
  }

  app.setNotFoundHandler(async (req, reply) => {
    if (!req.sa) throw new ApiError('InvalidUrl');
    throw new ApiError('MethodNotAllowed', `Method ${req.method} is not supported.`);
  });

  app.setErrorHandler((err, req, reply) => {
    const apiErr = toApiError(err);
    if (!req.sa) {
      // Failed before onRequest ran (e.g. a malformed request line).
      req.sa = { requestId: req.id, traceId: req.id, family: 'cos', host: req.headers.host ?? '', address: undefined, target: undefined, principal: undefined };
    }
    const w = apiErr.wire(req.sa.family);
    if (w.status >= 500) req.log.error({ err: apiErr.cause ?? apiErr, code: w.code }, 'request failed');
    else req.log.info({ code: w.code, status: w.status, detail: w.message }, 'request refused');
    return sendError(req, reply, apiErr);
  });

  return app;
}
