/**
 * Evaluation reports: a Markdown table and an SVG bar chart of per-stem
 * scores (issue #5 "The harness"). Hand-written SVG keeps the output a plain,
 * diffable text file viewable in any browser.
 */
export interface ScoreRow {
  dataset: string;
  system: string;
  stem: string;
  metric: string;
  /** Median over items (tracks/clips), NaN-free. */
  value: number;
  items: number;
  /** Real-time factor of the system on this dataset, when measured (whole pipeline: ffmpeg decode, engine, encode). */
  rtf?: number;
  /** Real-time factor of the engine alone (time inside the engine / audio duration), when measured. */
  engineRtf?: number;
  /** CPU seconds of the node process per audio second (load-independent estimate of the one-core RTF), when measured. */
  cpuRtf?: number;
  /** How items are combined into `value` (default median). */
  aggregate?: 'mean' | 'median';
}

export function markdownTable(rows: ScoreRow[]): string {
  const datasets = [...new Set(rows.map((r) => r.dataset))];
  const out: string[] = [];
  for (const d of datasets) {
    const dr = rows.filter((r) => r.dataset === d);
    const cols = [...new Set(dr.map((r) => `${r.stem} ${r.metric}`))];
    const systems = [...new Set(dr.map((r) => r.system))];
    const engineCol = dr.some((r) => r.engineRtf !== undefined);
    const cpuCol = dr.some((r) => r.cpuRtf !== undefined);
    out.push(
      `### ${d} (${dr[0]!.items} items, ${dr[0]!.aggregate ?? 'median'}, dB)`,
      '',
      `| system | ${cols.join(' | ')} | RTF |${engineCol ? ' engine RTF |' : ''}${cpuCol ? ' CPU RTF |' : ''}`,
      `|---|${cols.map(() => '--:').join('|')}|--:|${engineCol ? '--:|' : ''}${cpuCol ? '--:|' : ''}`,
    );
    for (const s of systems) {
      const cells = cols.map((c) => {
        const r = dr.find((x) => x.system === s && `${x.stem} ${x.metric}` === c);
        return r ? r.value.toFixed(2) : '';
      });
      const rtf = dr.find((x) => x.system === s && x.rtf !== undefined)?.rtf;
      const engineRtf = dr.find((x) => x.system === s && x.engineRtf !== undefined)?.engineRtf;
      const engineCell = engineCol ? ` ${engineRtf === undefined ? '' : engineRtf.toFixed(3)} |` : '';
      const cpuRtf = dr.find((x) => x.system === s && x.cpuRtf !== undefined)?.cpuRtf;
      const cpuCell = cpuCol ? ` ${cpuRtf === undefined ? '' : cpuRtf.toFixed(3)} |` : '';
      out.push(`| ${s} | ${cells.join(' | ')} | ${rtf === undefined ? '' : rtf.toFixed(3)} |${engineCell}${cpuCell}`);
    }
    out.push('');
  }
  return out.join('\n');
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#9c755f'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Grouped bars: one group per (dataset, stem, metric), one bar per system. */
export function svgChart(rows: ScoreRow[], title: string): string {
  const groups = [...new Set(rows.map((r) => `${r.dataset}|${r.stem}|${r.metric}`))];
  const systems = [...new Set(rows.map((r) => r.system))];
  const values = rows.map((r) => r.value);
  const max = Math.max(1, ...values);
  const min = Math.min(0, ...values);
  const barW = 14;
  const groupW = systems.length * barW + 24;
  const left = 50;
  const top = 40;
  const h = 260;
  const width = left + groups.length * groupW + 20;
  const height = top + h + 110 + systems.length * 16;
  const y = (v: number) => top + ((max - v) / (max - min)) * h;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14">${esc(title)}</text>`,
  ];
  for (let t = Math.ceil(min); t <= Math.floor(max); t += Math.max(1, Math.round((max - min) / 8))) {
    parts.push(`<line x1="${left}" x2="${width - 10}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`, `<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${width - 10}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>`);
  groups.forEach((g, gi) => {
    const [dataset, stem, metric] = g.split('|') as [string, string, string];
    const x0 = left + gi * groupW + 12;
    systems.forEach((s, si) => {
      const r = rows.find((x) => `${x.dataset}|${x.stem}|${x.metric}` === g && x.system === s);
      if (!r) return;
      const y1 = y(Math.max(0, r.value));
      const y2 = y(Math.min(0, r.value));
      parts.push(`<rect x="${x0 + si * barW}" y="${y1}" width="${barW - 2}" height="${Math.max(1, y2 - y1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${s} ${dataset} ${stem} ${metric}: ${r.value.toFixed(2)} dB`)}</title></rect>`);
    });
    parts.push(`<text transform="translate(${x0 + (systems.length * barW) / 2},${top + h + 12}) rotate(40)" font-size="10">${esc(`${dataset}: ${stem} ${metric}`)}</text>`);
  });
  systems.forEach((s, si) => {
    const ly = top + h + 100 + si * 16;
    parts.push(`<rect x="${left}" y="${ly - 9}" width="10" height="10" fill="${PALETTE[si % PALETTE.length]}"/>`, `<text x="${left + 16}" y="${ly}">${esc(s)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
