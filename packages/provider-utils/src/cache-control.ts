/** A prompt caching mark as chat clients set it (OpenRouter's and LiteLLM's `{ type: "ephemeral", ttl?: "5m" | "1h" }`). */
export type CacheControl = Readonly<Record<string, unknown>>;

/**
 * The `cache_control` a chat client set on a content part, a message, a tool or the request (how
 * OpenRouter and LiteLLM take prompt caching marks for Claude in chat completions); undefined when none.
 */
export function cacheControlOf(holder: unknown): CacheControl | undefined {
  const value = (holder as { cache_control?: unknown } | null | undefined)?.cache_control;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as CacheControl) : undefined;
}

/** The first cache mark among a message's content parts, when its content is an array of them. */
export function partsCacheControl(content: unknown): CacheControl | undefined {
  return Array.isArray(content) ? content.map(cacheControlOf).find((cacheControl) => cacheControl !== undefined) : undefined;
}
