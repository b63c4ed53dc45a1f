import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitedKey, masterKey, startTestGateway, testConfig, type TestGateway } from './support/start-test-gateway.js';

let gateway: TestGateway;
let anthropic: Anthropic;
beforeAll(async () => {
  gateway = await startTestGateway((mock) => {
    const config = testConfig(mock);
    // A name with a slash, as OpenRouter-style names have: SDKs send it URL-encoded in the path.
    return { ...config, models: { ...(config.models as object), 'team/echo': { target: 'echo/echo-1' } } };
  });
  anthropic = new Anthropic({ baseURL: gateway.server.url, apiKey: masterKey, maxRetries: 0 });
});
afterAll(() => gateway.close());

const listed = ['gpt-4o-mini', 'smart', 'text-embedding-3-small', 'echo', 'team/echo'];

describe('GET /v1/models/{model} for the openai client', () => {
  it('retrieves a listed model, a name with a slash and one a wildcard family routes', async () => {
    expect(await gateway.client.models.retrieve('gpt-4o-mini')).toEqual({ id: 'gpt-4o-mini', object: 'model', created: expect.any(Number), owned_by: 'tollgate' });
    expect((await gateway.client.models.retrieve('team/echo')).id).toBe('team/echo');
    expect((await gateway.client.models.retrieve('bench-large')).id).toBe('bench-large');
  });

  it('answers 404 model_not_found for a model that does not route, and for one the key may not call', async () => {
    await expect(gateway.client.models.retrieve('gpt-9')).rejects.toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error' });
    const limited = new OpenAI({ baseURL: gateway.baseURL, apiKey: limitedKey, maxRetries: 0 });
    expect((await limited.models.retrieve('echo')).id).toBe('echo');
    await expect(limited.models.retrieve('smart')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    expect((await limited.models.list()).data.map((model) => model.id)).toEqual(['gpt-4o-mini', 'echo']);
  });

  it('requires a key, and takes GET only', async () => {
    const response = await fetch(`${gateway.baseURL}/models/echo`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('missing_api_key');
    const post = await gateway.post('/v1/models/echo', {});
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });
});

describe('GET /v1/models in Anthropic’s shape, for a client that sends anthropic-version', () => {
  it('pages through every model with the anthropic client (limit, after_id)', async () => {
    const first = await anthropic.models.list({ limit: 2 });
    expect(first.data).toEqual([
      { type: 'model', id: 'gpt-4o-mini', display_name: 'gpt-4o-mini', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) },
      expect.objectContaining({ id: 'smart' }),
    ]);
    expect(first.has_more).toBe(true);
    const ids: string[] = [];
    for await (const model of anthropic.models.list({ limit: 2 })) ids.push(model.id);
    expect(ids).toEqual(listed);
  });

  it('pages backwards with before_id and says when nothing is left', async () => {
    const response = await fetch(`${gateway.server.url}/v1/models?before_id=team%2Fecho&limit=2`, { headers: { 'x-api-key': masterKey, 'anthropic-version': '2023-06-01' } });
    expect(await response.json()).toMatchObject({ data: [{ id: 'text-embedding-3-small' }, { id: 'echo' }], has_more: true, first_id: 'text-embedding-3-small', last_id: 'echo' });
    const last = await anthropic.models.list({ after_id: 'echo' });
    expect(last.data.map((model) => model.id)).toEqual(['team/echo']);
    expect(last.has_more).toBe(false);
  });

  it('retrieves one model, and refuses unknown models and bad paging in Anthropic’s error shape', async () => {
    expect(await anthropic.models.retrieve('team/echo')).toMatchObject({ type: 'model', id: 'team/echo', display_name: 'team/echo' });
    await expect(anthropic.models.retrieve('claude-nope')).rejects.toMatchObject({ status: 404, error: { type: 'error', error: { type: 'not_found_error' } } });
    for (const query of ['limit=0', 'limit=1001', 'limit=two', 'after_id=nope', 'after_id=echo&before_id=smart']) {
      const response = await fetch(`${gateway.server.url}/v1/models?${query}`, { headers: { 'x-api-key': masterKey, 'anthropic-version': '2023-06-01' } });
      expect(response.status, query).toBe(400);
      expect(await response.json(), query).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    }
  });
});

describe('the OpenAI routes without /v1, as the LiteLLM proxy serves them', () => {
  it('answers an openai client whose base URL has no /v1: chat, embeddings, models', async () => {
    const client = new OpenAI({ baseURL: gateway.server.url, apiKey: masterKey, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'no prefix' }] });
    expect(completion.choices[0]?.message.content).toBe('Echo: no prefix');
    const embedding = await client.embeddings.create({ model: 'echo', input: 'x', encoding_format: 'float' });
    expect(embedding.data[0]?.embedding).toHaveLength(16);
    expect((await client.models.list()).data.map((model) => model.id)).toEqual(listed);
    expect((await client.models.retrieve('team/echo')).id).toBe('team/echo');
    // Anthropic's routes keep their /v1 (its SDKs always send it); an unknown path still names the routes.
    const response = await gateway.post('/messages', { model: 'echo', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('/v1/chat/completions');
  });
});
