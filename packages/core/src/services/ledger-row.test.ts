import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from './ledger.js';
import { ledgerColumns, toLedgerRow, toLedgerValues } from './ledger-row.js';

/** An entry with every field set to a value no other field has, so a value in the wrong column shows. */
const fullEntry: LedgerEntry = {
  requestId: 'req-1',
  startedAt: 1_795_000_000_001,
  operation: 'chat',
  keyId: 'config:agent',
  userId: 'user-7',
  teamId: 'search',
  orgId: 'acme',
  model: 'smart',
  provider: 'openai',
  upstreamModel: 'gpt-4o',
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4, cache_write_tokens: 1 }, completion_tokens_details: { reasoning_tokens: 3 }, server_tool_use: { web_search_requests: 2 } },
  costMicros: 1234,
  latencyMs: 12.5,
  status: 429,
  errorCode: 'rate_limited',
  stream: true,
  endUser: 'end-user-42',
  guardrails: ['pii', 'keywords'],
  responseId: 'chatcmpl-abc',
  finishReasons: ['length', 'stop'],
  serviceTier: 'priority',
  tags: ['feature:search', 'customer:acme'],
  usageSource: 'estimated',
  attempts: [{ target: 'openai/gpt-4o', status: 429, errorCode: 'rate_limited', latencyMs: 10 }],
};

describe('ledger rows', () => {
  it("put each entry field in its column, in ledgerColumns' order", () => {
    expect(toLedgerRow(fullEntry)).toEqual({
      request_id: 'req-1',
      started_at: 1_795_000_000_001,
      operation: 'chat',
      key_id: 'config:agent',
      user_id: 'user-7',
      team_id: 'search',
      org_id: 'acme',
      model: 'smart',
      provider: 'openai',
      upstream_model: 'gpt-4o',
      prompt_tokens: 10,
      completion_tokens: 5,
      cached_tokens: 4,
      cache_write_tokens: 1,
      reasoning_tokens: 3,
      cost_micros: 1234,
      latency_ms: 12.5,
      status: 429,
      error_code: 'rate_limited',
      stream: true,
      attempts: '[{"target":"openai/gpt-4o","status":429,"errorCode":"rate_limited","latencyMs":10}]',
      end_user: 'end-user-42',
      guardrails: 'pii,keywords',
      response_id: 'chatcmpl-abc',
      finish_reason: 'length,stop',
      web_searches: 2,
      usage_source: 'estimated',
      service_tier: 'priority',
      tags: '["feature:search","customer:acme"]',
    });
    expect(Object.keys(toLedgerRow(fullEntry))).toEqual([...ledgerColumns]);
    expect(toLedgerValues(fullEntry)).toHaveLength(ledgerColumns.length);
  });

  it('store what is unknown as null, never as 0 or an empty string', () => {
    const row = toLedgerRow({ ...fullEntry, keyId: undefined, usage: undefined, costMicros: undefined, errorCode: undefined, endUser: undefined, guardrails: [], responseId: undefined, finishReasons: [], serviceTier: undefined, tags: undefined });
    for (const column of ['key_id', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens', 'cost_micros', 'error_code', 'end_user', 'guardrails', 'response_id', 'finish_reason', 'web_searches', 'service_tier', 'tags'] as const) {
      expect(row[column], column).toBeNull();
    }
  });
});
