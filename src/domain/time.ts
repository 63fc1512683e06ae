/**
 * Body timestamps are `YYYY-MM-DDThh:mm:ss±hhmm`, no colon in the offset
 * (spec/README.md "Wire conventions"), e.g. `2020-08-05T11:35:24+0800`.
 * The offset is the server's configured display offset (default +0800, as the service).
 */
let displayOffsetMinutes = 8 * 60;

export function setDisplayOffsetMinutes(minutes: number): void {
  displayOffsetMinutes = minutes;
}

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');

export function formatCiTime(epochMs: number, offsetMinutes = displayOffsetMinutes): string {
  const d = new Date(epochMs + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(off / 60))}${pad(off % 60)}`
  );
}

/** Parses the body format (also accepting `Z` and `±hh:mm`); undefined when malformed. */
export function parseCiTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, tz] = m;
  let offset = 0;
  if (tz !== 'Z') {
    const digits = tz!.replace(':', '');
    offset = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(utc)) return undefined;
  return utc - offset * 60_000;
}

/** RFC 1123 GMT for HTTP `Date` / `Last-Modified` headers. */
export const httpDate = (epochMs: number): string => new Date(epochMs).toUTCString();
