/** A time on a command line: Unix seconds, or a date Date.parse understands (ISO 8601). */
export function parseUnixTime(text: string, option: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`${option}: '${text}' is neither Unix seconds nor a date (2026-11-20, 2026-11-20T18:00:00Z)`);
  return Math.floor(ms / 1000);
}
