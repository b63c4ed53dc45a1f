import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { omniModerationSnapshot } from '@tollgate/testkit';
import { createBudgetedKey } from './support/create-budgeted-key.js';
import type { ErrorBody } from './support/error-body.js';
import { openAIEndpointSuite } from './support/openai-endpoint-suite.js';
import { masterKey } from './support/start-test-gateway.js';

const suite = await openAIEndpointSuite('tollgate-moderations', {
  models: {
    'omni-moderation-latest': { target: 'openai/omni-moderation-latest' },
    moderation: { target: 'openai/omni-moderation-latest' },
    'llama-guard': { target: 'gpu-box/meta-llama/Llama-Guard-3-8B' },
  },
});
const { openaiApi, vllm, logs } = suite;

const ledgerRow = (requestId: string | null) => suite.ledgerRow(requestId, 'operation, model, provider, upstream_model, prompt_tokens, cost_micros, status');

const post = (key: string, body: object, path = '/v1/moderations') =>
  fetch(`${suite.server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /v1/moderations', () => {
  it("routes a request that names no model to omni-moderation-latest, as OpenAI does, passes its bytes through and records it at OpenAI's price: free", async () => {
    const { data: answer, response } = await suite.client.moderations.create({ input: 'This is forbidden talk about hurting someone.' }).withResponse();
    expect(openaiApi.requests).toHaveLength(1);
    expect(openaiApi.requests[0]!.path).toBe('/v1/moderations');
    expect(openaiApi.requests[0]!.headers.authorization).toBe('Bearer sk-openai-upstream-000000');
    expect(openaiApi.requests[0]!.bodyText).toBe(JSON.stringify({ input: 'This is forbidden talk about hurting someone.' }));
    expect(answer.model).toBe(omniModerationSnapshot);
    expect(answer.results).toHaveLength(1);
    expect(answer.results[0]).toMatchObject({ flagged: true, categories: { violence: true, hate: false }, category_scores: { violence: 0.93 }, category_applied_input_types: { violence: ['text'] } });
    expect(response.headers.get('x-tollgate-cost')).toBe('0');
    const requestId = response.headers.get('x-request-id');
    expect(await logs.requestLine(requestId)).toMatchObject({ operation: 'moderations', status: 200, model: 'omni-moderation-latest', provider: 'openai', costMicros: 0 });
    expect(await ledgerRow(requestId)).toEqual({ operation: 'moderations', model: 'omni-moderation-latest', provider: 'openai', upstream_model: omniModerationSnapshot, prompt_tokens: 0, cost_micros: 0, status: 200 });
  });

  it('sends an alias as the routed model, one result per text', async () => {
    const answer = await suite.client.moderations.create({ model: 'moderation', input: ['a kind word', 'a forbidden threat'] });
    expect(openaiApi.requests[0]!.body).toEqual({ model: 'omni-moderation-latest', input: ['a kind word', 'a forbidden threat'] });
    expect(answer.results.map((result) => result.flagged)).toEqual([false, true]);
  });

  it('is served to a key with a budget (a free model costs it nothing) and redacts PII in text parts, leaving images as sent', async () => {
    const key = await createBudgetedKey(suite.server.url, 'moderation-budget', 0.000001);
    const keyed = new OpenAI({ baseURL: `${suite.server.url}/v1`, apiKey: key, maxRetries: 0 });
    const input = [
      { type: 'text' as const, text: 'Reply to jane.doe@example.com about this picture' },
      { type: 'image_url' as const, image_url: { url: 'https://images.example.com/cat.png' } },
    ];
    const answer = await keyed.moderations.create({ model: 'omni-moderation-latest', input });
    expect(answer.results).toHaveLength(1);
    expect(answer.results[0]!.category_applied_input_types.violence).toEqual(['text', 'image']);
    expect(openaiApi.requests[0]!.bodyText).not.toContain('jane.doe');
    expect(openaiApi.requests[0]!.body).toEqual({ model: 'omni-moderation-latest', input: [{ type: 'text', text: 'Reply to [EMAIL_1] about this picture' }, input[1]] });
  });

  it('refuses what it cannot serve with a clear 400 before any upstream call, and answers without the /v1 prefix too', async () => {
    const noInput = await post(masterKey, { model: 'omni-moderation-latest' });
    expect(noInput.status).toBe(400);
    expect(((await noInput.json()) as ErrorBody).error).toMatchObject({ type: 'invalid_request_error', param: 'input' });
    const chatOnly = await post(masterKey, { model: 'llama-guard', input: 'hello' });
    expect(chatOnly.status).toBe(400);
    expect(((await chatOnly.json()) as ErrorBody).error).toMatchObject({ code: 'unsupported_operation', message: expect.stringContaining('does not serve moderation') });
    expect(openaiApi.requests).toHaveLength(0);
    expect(vllm.requests).toHaveLength(0);

    const unversioned = await post(masterKey, { input: 'hello' }, '/moderations');
    expect(unversioned.status).toBe(200);
    expect(((await unversioned.json()) as { results: unknown[] }).results).toHaveLength(1);
  });
});
