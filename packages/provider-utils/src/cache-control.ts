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

/** The first cache mark among a message's content parts, when its content is an array of them (read without allocating). */
export function partsCacheControl(content: unknown): CacheControl | undefined {
  if (!Array.isArray(content)) return undefined;
  for (const part of content) {
    const mark = cacheControlOf(part);
    if (mark !== undefined) return mark;
  }
  return undefined;
}

/** `value` without its own `cache_control` field; the same object when it has none. */
function unmarked<T>(value: T): T {
  if (typeof value !== 'object' || value === null || !('cache_control' in value)) return value;
  const { cache_control: _mark, ...rest } = value as T & { cache_control?: unknown };
  return rest as T;
}

/** The content parts without their marks; the same array when none has one. */
function unmarkedParts<T>(content: T): T {
  if (!Array.isArray(content) || !content.some((part) => cacheControlOf(part) !== undefined)) return content;
  return content.map(unmarked) as T;
}

/**
 * A chat request without prompt caching marks — on the request, its messages, their content parts and
 * its tools — for an upstream that takes none (OpenAI's API refuses fields it does not define); the
 * same request when it has none, found without allocating.
 */
export function withoutCacheControl<T extends { readonly messages?: readonly unknown[]; readonly tools?: readonly unknown[] }>(request: T): T {
  const messages = request.messages;
  const tools = request.tools;
  const markedMessages = Array.isArray(messages) && messages.some((message) => cacheControlOf(message) !== undefined || partsCacheControl((message as { content?: unknown }).content) !== undefined);
  const markedTools = Array.isArray(tools) && tools.some((tool) => cacheControlOf(tool) !== undefined);
  if (!markedMessages && !markedTools && cacheControlOf(request) === undefined) return request;
  return {
    ...unmarked(request),
    ...(markedMessages ? { messages: messages!.map((message) => unmarked({ ...(message as object), content: unmarkedParts((message as { content?: unknown }).content) })) } : {}),
    ...(markedTools ? { tools: tools!.map(unmarked) } : {}),
  };
}
