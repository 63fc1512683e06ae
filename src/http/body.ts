import { createHash } from 'node:crypto';
import type { HandlerArgs } from './context.ts';
import { ApiError } from './errors/api-error.ts';
import { parseXmlRequest, type XmlTree } from './xml/parse.ts';

/**
 * Reads a CI request body (spec/errors.md §1, §7): at most
 * `maxXmlBodyBytes` (413 InvalidContent past it, checked on Content-Length
 * first and again while reading), Content-MD5 verified when sent
 * (400 InvalidContent), strict UTF-8.
 */
export async function readBodyText(args: HandlerArgs): Promise<string> {
  const { req, deps } = args;
  const limit = deps.config.maxXmlBodyBytes;
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.raw.resume();
    throw new ApiError('EntityTooLarge', `The request body is ${declared} bytes; the limit is ${limit}.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.raw.resume();
      throw new ApiError('EntityTooLarge', `The request body exceeds the limit of ${limit} bytes.`);
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const md5 = req.headers['content-md5'];
  if (typeof md5 === 'string' && md5 !== '' && createHash('md5').update(body).digest('base64') !== md5.trim()) {
    throw new ApiError('BadDigest', 'Content-MD5 does not match the request body.');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ApiError('InvalidContent', 'The request body is not valid UTF-8.');
  }
}

/** Reads and parses an XML body whose root must be `root` (default `<Request>`). */
export async function readXmlBody(args: HandlerArgs, root = 'Request'): Promise<XmlTree> {
  return parseXmlRequest(await readBodyText(args), root);
}

/** Sends a CI success body: `Content-Type: application/xml` exactly (spec/clients.md §3). */
export function sendXml(args: HandlerArgs, xml: string, status = 200): void {
  args.reply.code(status).header('content-type', 'application/xml').send(xml);
}
