/**
 * Builders of Anthropic Messages wire objects, shaped as Anthropic's API reference documents them:
 * messages, SSE events (`event:` and `data:` lines), usage with cache counts, and error bodies.
 */

/** The HTTP status Anthropic answers each error type with. */
export const anthropicErrorStatus: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** An error body: `{"type":"error","error":{"type","message"},"request_id"}`. */
export function anthropicError(type: string, message: string, requestId = 'req_mock') {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** Usage in Anthropic's shape: input excludes cached tokens, which are counted apart, cache writes by time to live too. */
export function anthropicUsage(input: number, output: number, cacheRead = 0, cacheCreation = 0, hourCacheCreation = 0) {
  return {
    input_tokens: input,
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: cacheCreation - hourCacheCreation, ephemeral_1h_input_tokens: hourCacheCreation },
    output_tokens: output,
    service_tier: 'standard',
  };
}

/** One SSE event as Anthropic sends it. */
export function anthropicEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** A web search server tool's blocks: Claude's `server_tool_use` and the result Anthropic adds (or `max_uses_exceeded`). */
export function anthropicWebSearchBlocks(id: string, toolName: string, query: string, allowed: boolean) {
  const content = allowed
    ? [{ type: 'web_search_result', url: `https://example.com/search?q=${encodeURIComponent(query)}`, title: `Results for ${query}`, encrypted_content: 'EqgfCioIARgBIiQ3-mock', page_age: null }]
    : { type: 'web_search_tool_result_error', error_code: 'max_uses_exceeded' };
  return [
    { type: 'server_tool_use', id, name: toolName, input: { query } },
    { type: 'web_search_tool_result', tool_use_id: id, content },
  ];
}
