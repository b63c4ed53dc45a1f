import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import type { ErrorBody } from './support/error-body.js';
import { masterKey, startQuietServer } from './support/start-test-gateway.js';

// LiteLLM's tag-based routing: one model name, deployments by tier. A paying customer's key (tagged
// `paid`) goes to the dedicated deployment, a free-tier key to the shared one; a request tagged with
// neither goes where `default` says.

const paidKey = 'sk-tag-routing-paid-0000001';
const freeKey = 'sk-tag-routing-free-0000001';
let mock: MockOpenAI;
let server: RunningServer;

beforeAll(async () => {
  mock = await createMockOpenAI();
  const upstream = { type: 'openai', baseURL: mock.baseURL };
  server = await startQuietServer({
    plugins: ['@tollgate/provider-openai'],
    auth: { masterKey, keys: [{ key: paidKey, name: 'acme', tags: ['paid'] }, { key: freeKey, name: 'trial', tags: ['free'] }] },
    providers: { dedicated: upstream, shared: upstream, fallback: upstream },
    models: {
      'gpt-4o': { targets: [{ target: 'dedicated/gpt-4o', tags: ['paid'] }, { target: 'shared/gpt-4o', tags: ['free', 'default'] }] },
      // Only tagged targets, none `default`: an untagged request has nowhere to go.
      strict: { targets: [{ target: 'dedicated/gpt-4o', tags: ['paid'] }] },
      // A family of models, each served to paying keys only.
      'premium/*': { targets: [{ target: 'dedicated/*', tags: ['paid'] }] },
    },
  });
});

afterAll(async () => {
  await server?.close();
  await mock?.close();
});

beforeEach(() => mock.reset());

const providerFor = async (key: string, model = 'gpt-4o', headers: Record<string, string> = {}) =>
  (await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }, { headers }).withResponse()).response.headers.get('x-tollgate-provider');

describe('tag-based routing', () => {
  it('sends a request to the targets tagged with one of its tags (a key\'s, or x-tollgate-tags), else to `default`', async () => {
    expect(await providerFor(paidKey)).toBe('dedicated');
    expect(await providerFor(freeKey)).toBe('shared');
    // No tags: the `default` target.
    expect(await providerFor(masterKey)).toBe('shared');
    // A request's own tag.
    expect(await providerFor(masterKey, 'gpt-4o', { 'x-tollgate-tags': 'paid' })).toBe('dedicated');
    // A tag no target has: `default`.
    expect(await providerFor(masterKey, 'gpt-4o', { 'x-tollgate-tags': 'beta' })).toBe('shared');
    expect(mock.requests).toHaveLength(5);
  });

  it('refuses a request no target serves with 404, naming its tags, before any upstream call', async () => {
    expect(await providerFor(paidKey, 'strict')).toBe('dedicated');
    const refused = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${freeKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'strict', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({ code: 'model_not_found', message: 'No target of model "strict" serves the request\'s tags (free): tag a target `default` to serve the rest.' });
    expect(mock.requests).toHaveLength(1);
  });

  it('lists only the models a target serves the caller\'s tags for (its key\'s and its own x-tollgate-tags), and answers 404 for the others', async () => {
    const listed = async (key: string, headers: Record<string, string> = {}) => (await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 }).models.list({ headers })).data.map((model) => model.id);
    expect(await listed(paidKey)).toEqual(['gpt-4o', 'strict']);
    expect(await listed(freeKey)).toEqual(['gpt-4o']);
    expect(await listed(masterKey)).toEqual(['gpt-4o']);
    expect(await listed(freeKey, { 'x-tollgate-tags': 'paid' })).toEqual(['gpt-4o', 'strict']);

    const one = (key: string, model: string) => fetch(`${server.url}/v1/models/${encodeURIComponent(model)}`, { headers: { authorization: `Bearer ${key}` } });
    expect((await one(paidKey, 'strict')).status).toBe(200);
    const hidden = await one(freeKey, 'strict');
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as ErrorBody).error).toMatchObject({ code: 'model_not_found' });
    // A wildcard family, judged by its targets' tags.
    expect((await one(paidKey, 'premium/gpt-4.1')).status).toBe(200);
    expect((await one(freeKey, 'premium/gpt-4.1')).status).toBe(404);
    // A malformed tag is refused as a request would be.
    const malformed = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${freeKey}`, 'x-tollgate-tags': '!bad' } });
    expect(malformed.status).toBe(400);
  });
});
