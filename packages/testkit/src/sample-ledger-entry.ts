import type { LedgerEntry } from '@tollgate/core';

/**
 * A finished streamed chat request with every usage field set (two web searches among them), for ledger tests: entry `index` has
 * request id `req-<index>` and arrived `index` ms after a fixed instant.
 */
export function sampleLedgerEntry(index: number): LedgerEntry {
  return {
    requestId: `req-${index}`,
    startedAt: 1_795_000_000_000 + index,
    operation: 'chat',
    keyId: 'config:agent',
    userId: undefined,
    teamId: 'search',
    orgId: undefined,
    model: 'smart',
    provider: 'openai',
    upstreamModel: 'gpt-4o',
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4, cache_write_tokens: 1 }, server_tool_use: { web_search_requests: 2 } },
    costMicros: 1234,
    latencyMs: 12.5,
    status: 200,
    errorCode: undefined,
    stream: true,
    endUser: 'end-user-42',
    responseId: `chatcmpl-${index}`,
    finishReasons: ['stop'],
    serviceTier: 'priority',
    attempts: [{ target: 'openai/gpt-4o', status: 200, errorCode: undefined, latencyMs: 10 }],
  };
}
