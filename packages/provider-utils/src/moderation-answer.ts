/** Whether an upstream's answer is a moderation answer (OpenAI's shape): `results`, each with a boolean `flagged` and a `categories` object. */
export function isModerationResponse(value: unknown): boolean {
  const results = (value as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return false;
  for (const result of results) if (typeof result?.flagged !== 'boolean' || typeof result.categories !== 'object' || result.categories === null) return false;
  return true;
}
