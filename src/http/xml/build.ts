import { XMLBuilder } from 'fast-xml-parser';

/**
 * Response XML (spec/README.md "Wire conventions"). Element order is the key
 * order of the object given; arrays become repeated elements (one element per
 * item, spec/clients.md §4); `''` becomes an empty element such as `<Message/>`;
 * `undefined` is omitted.
 */
export type XmlValue = string | number | boolean | undefined | null | XmlNode | XmlValue[];
export interface XmlNode {
  [name: string]: XmlValue;
}

const builder = new XMLBuilder({
  ignoreAttributes: true,
  format: false,
  suppressEmptyNode: true,
  suppressUndefinedPaths: true,
  processEntities: true,
} as ConstructorParameters<typeof XMLBuilder>[0]);

const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';

function clean(value: XmlValue): XmlValue {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(clean).filter((v) => v !== undefined);
  if (typeof value === 'object') {
    const out: XmlNode = {};
    for (const [k, v] of Object.entries(value)) {
      const c = clean(v);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  return String(value);
}

/** Serialises `{ [root]: body }` with an XML declaration. */
export function buildXml(root: string, body: XmlNode): string {
  return DECLARATION + (builder.build({ [root]: clean(body) }) as string);
}
