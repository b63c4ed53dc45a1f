import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockOpenAI } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { createBudgetedKey } from './support/create-budgeted-key.js';
import type { ErrorBody } from './support/error-body.js';
import { ledgerRowOf } from './support/ledger-row.js';
import { LogCapture, masterKey, startLoggedServer, temporaryDatabasePath } from './support/start-test-gateway.js';

/** A vLLM server with a cross-encoder loaded: Jina's rerank shape, tokens counted. */
const vllm = await createMockOpenAI();
/** Cohere's v2 API: no tokens, one search unit billed per 100 documents. */
const cohere = await createMockOpenAI({ apiKey: 'co-upstream-key-0000000000', rerankShape: 'cohere' });
/** OpenAI's own API, which has no rerank endpoint. */
const openaiApi = await createMockOpenAI();
const logs = new LogCapture();
const databasePath = await temporaryDatabasePath('tollgate-rerank');
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startLoggedServer(logs, {
    plugins: [
      '@tollgate/provider-openai',
      { name: '@tollgate/ledger-sqlite', options: { path: databasePath, flushIntervalMs: 10 } },
      // Tokens at $0.50 per million on the self-hosted model; Cohere's $2.00 per thousand searches as a fee per request.
      { name: '@tollgate/pricing', options: { overrides: { 'gpu-box/BAAI/bge-reranker-v2-m3': { input: 0.5, output: 0 }, 'cohere/rerank-v3.5': { input: 0, output: 0, request: 2 } } } },
      '@tollgate/governance',
      { name: '@tollgate/guardrail-pii', options: { action: 'redact' } },
    ],
    auth: { masterKey },
    providers: {
      'gpu-box': { type: 'openai', baseURL: vllm.baseURL },
      cohere: { type: 'openai', baseURL: cohere.baseURL, apiKey: 'co-upstream-key-0000000000', rerankAPI: true },
      openai: { type: 'openai', baseURL: openaiApi.baseURL, apiKey: 'sk-openai-upstream-000000', priceProvider: 'openai' },
    },
    models: {
      reranker: { target: 'gpu-box/BAAI/bge-reranker-v2-m3' },
      'rerank-v3.5': { target: 'cohere/rerank-v3.5' },
      'gpt-4o': { target: 'openai/gpt-4o' },
    },
  });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await Promise.all([vllm.close(), cohere.close(), openaiApi.close()]);
});

beforeEach(() => {
  vllm.reset();
  cohere.reset();
  openaiApi.reset();
});

const documents = ['Paris is the capital of France.', 'Berlin is the capital of Germany.', 'The capital of France has many museums.'];

const ledgerRow = (requestId: string | null) => ledgerRowOf(server, databasePath, requestId, 'operation, model, provider, prompt_tokens, cost_micros, status');

describe('POST /v1/rerank', () => {
  it('passes a request through to a self-hosted reranker as its bytes and its answer back as written, priced by its tokens and recorded', async () => {
    const body = { model: 'reranker', query: 'capital of France', documents, top_n: 2 };
    const { data, response } = await client.post<Record<string, any>>('/rerank', { body }).withResponse();
    expect(vllm.requests).toHaveLength(1);
    expect(vllm.requests[0]!.path).toBe('/v1/rerank');
    expect(vllm.requests[0]!.body).toEqual({ ...body, model: 'BAAI/bge-reranker-v2-m3' });
    expect(data).toEqual({
      id: expect.stringMatching(/^rerank-mock\d+$/),
      model: 'BAAI/bge-reranker-v2-m3',
      usage: { total_tokens: 28 },
      results: [
        { index: 0, document: { text: documents[0] }, relevance_score: 0.99 },
        { index: 2, document: { text: documents[2] }, relevance_score: 0.93 },
      ],
    });
    expect(response.headers.get('x-tollgate-provider')).toBe('gpu-box');
    const requestId = response.headers.get('x-request-id');
    expect(await logs.requestLine(requestId)).toMatchObject({ operation: 'rerank', status: 200, model: 'reranker', provider: 'gpu-box', promptTokens: 28, costMicros: 14 });
    expect(await ledgerRow(requestId)).toEqual({ operation: 'rerank', model: 'reranker', provider: 'gpu-box', prompt_tokens: 28, cost_micros: 14, status: 200 });
  });

  it('serves Cohere\'s clients at /v2/rerank, its search priced by the request, and its key never reaching the client', async () => {
    const response = await fetch(`${server.url}/v2/rerank`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'rerank-v3.5', query: 'capital of Germany', documents }) });
    expect(response.status).toBe(200);
    expect(cohere.requests[0]!.headers.authorization).toBe('Bearer co-upstream-key-0000000000');
    const answer = (await response.json()) as { results: { index: number }[]; meta: unknown };
    expect(answer.results.map((result) => result.index)).toEqual([1, 0, 2]);
    expect(answer.meta).toEqual({ api_version: { version: '2' }, billed_units: { search_units: 1 } });
    expect(await ledgerRow(response.headers.get('x-request-id'))).toEqual({ operation: 'rerank', model: 'rerank-v3.5', provider: 'cohere', prompt_tokens: 0, cost_micros: 2_000, status: 200 });
  });

  it('bills a ranking of more than 100 documents by the searches the upstream reports, and budgets hold for them', async () => {
    const many = Array.from({ length: 250 }, (_, index) => `Document ${index}`);
    const rank = (key: string, documents: readonly string[]) =>
      fetch(`${server.url}/v2/rerank`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'rerank-v3.5', query: 'capital', documents }) });
    const response = await rank(masterKey, many);
    expect(((await response.json()) as { meta: { billed_units: { search_units: number } } }).meta.billed_units.search_units).toBe(3);
    // Three searches at $2 per thousand.
    expect(response.headers.get('x-tollgate-cost')).toBe('0.006');
    expect(await ledgerRow(response.headers.get('x-request-id'))).toMatchObject({ provider: 'cohere', cost_micros: 6_000 });

    // A key with room for two searches: three documents are one, 250 documents three, refused before the call.
    const key = await createBudgetedKey(server.url, 'cohere-two-searches', 0.004);
    expect((await rank(key, documents)).status).toBe(200);
    const refused = await rank(key, many);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('budget_exceeded');
    expect(cohere.requests).toHaveLength(2);
  });

  it('redacts PII in the query and the documents before they leave', async () => {
    await client.post('/rerank', { body: { model: 'reranker', query: 'mail of jane.doe@example.com', documents: ['Write to jane.doe@example.com', { text: 'Call +44 20 7946 0958' }] } });
    expect(vllm.requests[0]!.bodyText).not.toContain('jane.doe');
    expect(vllm.requests[0]!.body).toMatchObject({ query: 'mail of [EMAIL_1]', documents: ['Write to [EMAIL_2]', { text: 'Call [PHONE_1]' }] });
  });

  it('holds a budget: a key whose budget cannot cover the query read with every document is refused before any upstream call', async () => {
    const key = await createBudgetedKey(server.url, 'tiny-reranker', 0.000001);
    const long = Array.from({ length: 50 }, (_, index) => `Document ${index} about the capital of France and its museums, libraries and parks.`);
    const refused = await fetch(`${server.url}/v1/rerank`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'reranker', query: 'capital of France', documents: long }) });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('budget_exceeded');
    expect(vllm.requests).toHaveLength(0);
  });

  it('refuses a model whose provider has no rerank API, and a malformed request, in OpenAI\'s error shape', async () => {
    const post = (body: object) => fetch(`${server.url}/v1/rerank`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const unsupported = await post({ model: 'gpt-4o', query: 'q', documents: ['d'] });
    expect(unsupported.status).toBe(400);
    expect(((await unsupported.json()) as ErrorBody).error).toMatchObject({ code: 'unsupported_operation', param: 'model', message: expect.stringContaining('Provider "openai" does not serve reranking') });
    for (const [body, param] of [[{ model: 'reranker', documents: ['d'] }, 'query'], [{ model: 'reranker', query: 'q', documents: [] }, 'documents'], [{ model: 'reranker', query: 'q', documents: [42] }, 'documents[0]'], [{ model: 'reranker', query: 'q', documents: ['d'], top_n: 0 }, 'top_n']] as const) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as ErrorBody).error).toMatchObject({ type: 'invalid_request_error', param });
    }
    expect(vllm.requests).toHaveLength(0);
    expect(openaiApi.requests).toHaveLength(0);
  });
});
