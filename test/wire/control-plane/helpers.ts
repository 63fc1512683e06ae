import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type COS from 'cos-nodejs-sdk-v5';
import { XMLParser } from 'fast-xml-parser';
import { rawRequest, type RawResponse } from '../../helpers/raw-http.ts';
import { REGION, ciCall, type CiCall } from '../../helpers/server.ts';

/** Shared pieces of the control-plane wire tests (not a test file itself). */

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'smart-audio.js');

/** `YYYY-MM-DDThh:mm:ss+hhmm` (spec/README.md "Wire conventions"). */
export const CI_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/;
export const QUEUE_ID_RE = /^p[0-9a-f]{32}$/;
export const TEMPLATE_ID_RE = /^t1[0-9a-f]{32}$/;
export const OFFICIAL_ID_RE = /^t0[0-9a-f]{32}$/;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The admin CLI against a data directory, with the root env emptied (as test/wire/permissions.test.ts). */
export async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args, '--data-dir', dataDir], {
      env: { ...process.env, SMART_AUDIO_SECRET_ID: '', SMART_AUDIO_SECRET_KEY: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export function keyFrom(stdout: string): { id: string; key: string } {
  const id = /SecretId=(\S+)/.exec(stdout)?.[1];
  const key = /SecretKey=(\S+)/.exec(stdout)?.[1];
  assert.ok(id && key, stdout);
  return { id, key };
}

/** The SDK turns one repeated element into an object and none into undefined: normalise to an array. */
export function list<T = any>(v: T | T[] | undefined): T[] {
  if (v === undefined || v === null || (v as unknown) === '') return [];
  return Array.isArray(v) ? v : [v];
}

/** A CI call that must succeed; returns `data.Response`. */
export async function ok(cos: COS, c: CiCall): Promise<any> {
  const { err, data } = await ciCall(cos, c);
  assert.equal(err, null, `${c.Method} /${c.Path}: ${JSON.stringify(err?.error ?? err)}`);
  assert.equal(data.statusCode, 200);
  assert.equal(data.headers['content-type'], 'application/xml');
  assert.ok(data.Response, 'body has a <Response> root');
  assert.equal(data.Response.RequestId, data.headers['x-ci-request-id'], 'RequestId echoes x-ci-request-id');
  return data.Response;
}

/**
 * A CI call that must fail with `status`/`code`, the `<Error>` body complete
 * (spec/errors.md §3, spec/clients.md §5) and the message matching every pattern.
 */
export async function fails(cos: COS, c: CiCall, status: number, code: string, ...message: RegExp[]): Promise<string> {
  const { err } = await ciCall(cos, c);
  assert.ok(err, `${c.Method} /${c.Path} should fail with ${status} ${code}`);
  assert.equal(err.statusCode, status, JSON.stringify(err.error ?? err));
  assert.equal(err.code, code, JSON.stringify(err.error ?? err));
  const e = err.error ?? {};
  for (const f of ['Code', 'Message', 'Resource', 'RequestId', 'TraceId']) assert.ok(typeof e[f] === 'string' && e[f] !== '', `<${f}> present: ${JSON.stringify(e)}`);
  for (const re of message) assert.match(e.Message, re);
  return e.Message as string;
}

/** Raw signed CI request (for element-order checks the SDK's parser would hide). */
export function rawCi(port: number, method: string, bucket: string | undefined, path: string, opts: { rawQuery?: string; body?: string } = {}): Promise<RawResponse> {
  const host = bucket ? `${bucket}.ci.${REGION}.myqcloud.com` : `ci.${REGION}.myqcloud.com`;
  return rawRequest({
    port,
    method,
    host,
    path,
    rawQuery: opts.rawQuery,
    body: opts.body,
    headers: opts.body !== undefined ? { 'content-type': 'application/xml' } : {},
  });
}

export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ordered = new XMLParser({ preserveOrder: true, ignoreDeclaration: true, parseTagValue: false, trimValues: true });

/** Parses XML keeping element order: the root element with its children. */
export function xmlTree(xml: string): XmlElement {
  const convert = (node: Record<string, unknown>): XmlElement => {
    const name = Object.keys(node).find((k) => k !== ':@')!;
    const kids = (node[name] as Array<Record<string, unknown>>) ?? [];
    const children = kids.filter((k) => !('#text' in k)).map(convert);
    const text = kids.filter((k) => '#text' in k).map((k) => String(k['#text'])).join('');
    return { name, children, text };
  };
  const roots = (ordered.parse(xml) as Array<Record<string, unknown>>).filter((n) => !('#text' in n));
  assert.equal(roots.length, 1, 'one root element');
  return convert(roots[0]!);
}

export const names = (e: XmlElement | undefined): string[] => (e ? e.children.map((c) => c.name) : []);
export const child = (e: XmlElement | undefined, name: string): XmlElement | undefined => e?.children.find((c) => c.name === name);
