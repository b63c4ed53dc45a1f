import { describe, expect, it } from 'vitest';
import { mapAnthropicUsage, mergeAnthropicUsage } from './map-anthropic-usage.js';

describe('Anthropic usage', () => {
  it('keeps message_start\'s counts where a message_delta leaves them null, and takes its cumulative ones', () => {
    const started = { input_tokens: 40, cache_read_input_tokens: 100, cache_creation_input_tokens: 0, output_tokens: 1 };
    // After two web searches: input grew with their results; the cache counts were not sent again.
    const final = mergeAnthropicUsage(started, { input_tokens: 2_040, cache_read_input_tokens: null, cache_creation_input_tokens: null, output_tokens: 30, server_tool_use: { web_search_requests: 2, web_fetch_requests: 0 } });
    expect(mapAnthropicUsage(final)).toEqual({
      prompt_tokens: 2_140,
      completion_tokens: 30,
      total_tokens: 2_170,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 0 },
      server_tool_use: { web_search_requests: 2 },
    });
    // The classic delta (output tokens only) keeps everything else.
    expect(mergeAnthropicUsage(started, { output_tokens: 12 })).toEqual({ ...started, output_tokens: 12 });
    expect(mergeAnthropicUsage(started, undefined)).toBe(started);
  });

  it('keeps hour-long cache writes apart, among the cache writes', () => {
    expect(mapAnthropicUsage({ input_tokens: 10, cache_creation_input_tokens: 3_000, cache_creation: { ephemeral_5m_input_tokens: 1_000, ephemeral_1h_input_tokens: 2_000 }, output_tokens: 5 })).toMatchObject({
      prompt_tokens: 3_010,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 3_000, cache_write_1h_tokens: 2_000 },
    });
  });

  it('leaves server_tool_use out when no search ran', () => {
    expect(mapAnthropicUsage({ input_tokens: 5, output_tokens: 7, server_tool_use: { web_search_requests: 0 } })).not.toHaveProperty('server_tool_use');
    expect(mapAnthropicUsage({ input_tokens: 5, output_tokens: 7, server_tool_use: null })).not.toHaveProperty('server_tool_use');
  });
});
