/**
 * A client's prompt caching mark (`cache_control`) on a block, part, item, tool or request, as a
 * field to spread into what it becomes: the canonical chat request carries marks where OpenRouter's
 * chat completions take them (content parts, messages, tools, the request), so a Claude target behind
 * another API (Bedrock's Converse, OpenRouter, Anthropic translated) still caches what the client
 * marked; a target that takes no marks gets them left out. An empty object when there is none.
 */
export function cacheMarkOf(holder: unknown): { cache_control?: unknown } {
  const mark = (holder as { cache_control?: unknown } | null | undefined)?.cache_control;
  return typeof mark === 'object' && mark !== null ? { cache_control: mark } : noMark;
}

/** What {@link cacheMarkOf} answers for an unmarked block: one shared object, so a block without a mark (nearly every one) allocates nothing. */
const noMark: { cache_control?: unknown } = Object.freeze({});

/** The mark of the last of `items` that has one (a tool result's nested content, an assistant turn's blocks). */
export function lastCacheMark(items: unknown): { cache_control?: unknown } {
  if (!Array.isArray(items)) return {};
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const mark = cacheMarkOf(items[index]);
    if (mark.cache_control !== undefined) return mark;
  }
  return {};
}

/** Whether a content part carries a mark (then parts are not joined into one string). */
export function hasCacheMark(part: unknown): boolean {
  return cacheMarkOf(part).cache_control !== undefined;
}
