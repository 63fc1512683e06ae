/** XML in and out for the console: DOMParser for answers, a small escaping builder for requests. */

export type XmlValue = string | number | undefined | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function build(name: string, v: XmlValue): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => build(name, x)).join('');
  if (typeof v === 'object') return `<${name}>${Object.entries(v).map(([k, x]) => build(k, x)).join('')}</${name}>`;
  return `<${name}>${esc(String(v))}</${name}>`;
}

/** `<Request>…</Request>`; undefined values are left out. */
export const requestXml = (body: XmlObject): string => build('Request', body);

export function parseXml(text: string): Element | undefined {
  if (text.trim() === '') return undefined;
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return undefined;
  return doc.documentElement;
}

/** Direct children named `name`. */
export const kids = (el: Element | undefined, name: string): Element[] => (el ? Array.from(el.children).filter((c) => c.tagName === name) : []);
export const kid = (el: Element | undefined, name: string): Element | undefined => kids(el, name)[0];
/** Text of a path of direct children (`text(job, 'Operation', 'Output', 'Object')`), '' when absent. */
export function text(el: Element | undefined, ...path: string[]): string {
  let cur = el;
  for (const p of path) cur = kid(cur, p);
  return cur?.textContent ?? '';
}
