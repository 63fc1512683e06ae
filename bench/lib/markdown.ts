/** A GitHub-flavoured Markdown table; numbers are right-aligned. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => cells.length > 0 && cells.every((r) => /^[-+]?[\d.,]+\s*(%|x|ms|MiB\/s|MiB)?$/.test(r[i] ?? '')));
  const line = (r: string[]) => `| ${r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

export const fmt = {
  int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'),
  fixed: (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a'),
  pct: (n: number, d = 1) => (Number.isFinite(n) ? `${(n * 100).toFixed(d)}%` : 'n/a'),
  mib: (kib: number) => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(1)} MiB` : 'n/a'),
};
