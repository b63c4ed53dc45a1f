/**
 * Reads a `retry-after` header as milliseconds: delta-seconds (`"2"`, `"1.5"`) or an HTTP date. OpenAI
 * also sends `retry-after-ms`, which wins when present.
 */
export function parseRetryAfter(headers: Readonly<Record<string, string | string[] | undefined>>, now = Date.now()): number | undefined {
  const exact = Number(headers['retry-after-ms']);
  if (Number.isFinite(exact) && exact >= 0) return exact;
  const value = headers['retry-after'];
  if (typeof value !== 'string' || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
