import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ApiError } from '../errors/api-error.ts';

/**
 * Request XML (spec/README.md "Wire conventions"): every leaf is text, repeated
 * children become arrays, empty elements mean "not set" (spec/clients.md §7).
 * Bodies may start with or without an XML declaration.
 */
export type XmlTree = { [name: string]: XmlTree | string | Array<XmlTree | string> };

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/**
 * Parses `text` and returns the children of the root element, which must be
 * `expectedRoot`. Document type declarations are refused outright: no entity
 * expansion tricks reach the parser.
 */
export function parseXmlRequest(text: string, expectedRoot = 'Request'): XmlTree {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') throw new ApiError('MissingContent', `The request body is empty; expected <${expectedRoot}>.`);
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new ApiError('InvalidContent', 'XML document type declarations are not accepted.');
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    throw new ApiError('InvalidContent', `Malformed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col}).`);
  }
  const doc = parser.parse(body) as Record<string, unknown>;
  const roots = Object.keys(doc);
  if (roots.length !== 1) throw new ApiError('InvalidContent', `Expected exactly one root element <${expectedRoot}>.`);
  const root = roots[0]!;
  if (root !== expectedRoot) throw new ApiError('InvalidArgument', `Unexpected root element <${root}>; expected <${expectedRoot}>.`);
  const content = doc[root];
  if (content === '' || content === undefined || content === null) return {};
  if (typeof content !== 'object' || Array.isArray(content)) {
    throw new ApiError('InvalidArgument', `<${expectedRoot}> must contain elements, not text.`);
  }
  return content as XmlTree;
}

/** Reads an optional single text child; repeated or non-text elements are errors naming the path. */
export function textOf(tree: XmlTree | undefined, name: string, path = name): string | undefined {
  if (!tree) return undefined;
  const v = tree[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw new ApiError('InvalidArgument', `${path}: element is repeated; expected one.`);
  if (typeof v !== 'string') throw new ApiError('InvalidArgument', `${path}: expected a text value, got elements.`);
  return v;
}

/** Reads an optional single container child. An empty element counts as an empty container. */
export function nodeOf(tree: XmlTree | undefined, name: string, path = name): XmlTree | undefined {
  if (!tree) return undefined;
  const v = tree[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw new ApiError('InvalidArgument', `${path}: element is repeated; expected one.`);
  if (v === '') return {};
  if (typeof v === 'string') throw new ApiError('InvalidArgument', `${path}: expected child elements, got text "${v.slice(0, 64)}".`);
  return v;
}

/** Reads a repeated child as an array (a single element is an array of one). */
export function listOf(tree: XmlTree | undefined, name: string): Array<XmlTree | string> {
  if (!tree) return [];
  const v = tree[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
