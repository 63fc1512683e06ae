import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The web console (issue #9), served by the API server itself under
 * `/console/`. Its script is bundled from `src/console/app/` with esbuild, in
 * memory, on the first request, then cached: no build step at install, no
 * external network access (everything it loads comes from this server).
 *
 * Only *unsigned* GETs under `/console` are console files. A signed request
 * with that path (an object `console/…` in a virtual-hosted bucket) goes to
 * the API as before; path-style requests cannot clash because `console` is
 * not a valid bucket name (`<name>-<APPID>`).
 */
const APP_DIR = join(import.meta.dirname, 'app');
const STATIC_DIR = join(import.meta.dirname, 'static');

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export function isConsoleRequest(req: FastifyRequest): boolean {
  if (req.method !== 'GET') return false;
  const path = pathOf(req.url);
  if (path !== '/console' && !path.startsWith('/console/')) return false;
  if (req.headers.authorization !== undefined) return false;
  return !/[?&]q-(sign-algorithm|ak|signature)=/i.test(req.url);
}

let bundle: Promise<string> | undefined;

/** The browser bundle of src/console/app/main.ts (built once per process). */
export function consoleBundle(): Promise<string> {
  bundle ??= (async () => {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      entryPoints: [join(APP_DIR, 'main.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: ['chrome111', 'firefox115'],
      legalComments: 'none',
      logLevel: 'silent',
    });
    return out.outputFiles[0]!.text;
  })();
  bundle.catch(() => (bundle = undefined));
  return bundle;
}

const escAttr = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** `{{DOMAIN_SUFFIX}}` in the page: the suffix the console builds virtual hosts with (the first `--domain-suffix`). */
const consoleFiles = (domainSuffix: string): Record<string, { type: string; load: () => Promise<string> }> => ({
  '/console/': { type: 'text/html; charset=utf-8', load: async () => (await readFile(join(STATIC_DIR, 'index.html'), 'utf8')).replace('{{DOMAIN_SUFFIX}}', escAttr(domainSuffix)) },
  '/console/console.css': { type: 'text/css; charset=utf-8', load: () => readFile(join(STATIC_DIR, 'console.css'), 'utf8') },
  '/console/app.js': { type: 'text/javascript; charset=utf-8', load: consoleBundle },
});

/** Only this server's own files; media come from the API as blobs (signed fetches). */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

async function serveConsole(files: ReturnType<typeof consoleFiles>, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const path = pathOf(req.url);
  if (path === '/console') return reply.redirect('/console/', 301);
  const file = Object.hasOwn(files, path) ? files[path] : undefined;
  reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache');
  if (!file) return reply.code(404).type('text/plain; charset=utf-8').send(`No console file at ${path.slice(0, 200)}.\n`);
  return reply.type(file.type).send(await file.load());
}

/** Adds the console's routes; signed requests on the same paths go to the API `handler`. */
export function registerConsoleRoutes(app: FastifyInstance, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>, suffix: string | undefined): void {
  const files = consoleFiles(suffix ?? 'myqcloud.com');
  const route = (req: FastifyRequest, reply: FastifyReply) => (isConsoleRequest(req) ? serveConsole(files, req, reply) : handler(req, reply));
  app.get('/console', { exposeHeadRoute: false }, route);
  app.get('/console/*', { exposeHeadRoute: false }, route);
}
