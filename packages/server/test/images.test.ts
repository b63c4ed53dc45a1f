import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { mockImageTokens } from '@tollgate/testkit';
import { createBudgetedKey } from './support/create-budgeted-key.js';
import type { ErrorBody } from './support/error-body.js';
import { openAIEndpointSuite } from './support/openai-endpoint-suite.js';
import { masterKey } from './support/start-test-gateway.js';

const suite = await openAIEndpointSuite('tollgate-images', {
  models: {
    'image-fast': { target: 'openai/gpt-image-1' },
    'dall-e-3': { target: 'azure/dall-e-3' },
    'dall-e-2': { target: 'openai/dall-e-2' },
    'llama-3.1-8b': { target: 'gpu-box/meta-llama/Llama-3.1-8B-Instruct' },
  },
  priceOverrides: { 'azure/dall-e-3': { input: 0, output: 0, request: 40 }, 'openai/dall-e-2': { input: 0, output: 0, request: 20 } },
  cache: true,
});
const { openaiApi, azure, vllm, logs } = suite;

const ledgerRow = (requestId: string | null) => suite.ledgerRow(requestId, 'operation, model, provider, prompt_tokens, completion_tokens, cost_micros, status, error_code');

const post = (key: string, body: object) =>
  fetch(`${suite.server.url}/v1/images/generations`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /v1/images/generations', () => {
  it('passes a GPT Image request through as its bytes (the routed model in place of the alias), its answer back as written, priced by its tokens and recorded', async () => {
    const { data: answer, response } = await suite.client.images.generate({ model: 'image-fast', prompt: 'a lighthouse at dawn', n: 2, size: '1024x1024', quality: 'low' }).withResponse();
    expect(openaiApi.requests).toHaveLength(1);
    expect(openaiApi.requests[0]!.path).toBe('/v1/images/generations');
    expect(openaiApi.requests[0]!.headers.authorization).toBe('Bearer sk-openai-upstream-000000');
    expect(openaiApi.requests[0]!.body).toEqual({ model: 'gpt-image-1', prompt: 'a lighthouse at dawn', n: 2, size: '1024x1024', quality: 'low' });
    expect(answer.data).toHaveLength(2);
    expect(answer.data![0]!.b64_json).toMatch(/^iVBORw0KGgo/);
    // Four words in, two low-quality 1024×1024 images (272 tokens each) out.
    expect(answer.usage).toEqual({ input_tokens: 4, input_tokens_details: { image_tokens: 0, text_tokens: 4 }, output_tokens: 544, total_tokens: 548 });
    expect(answer).toMatchObject({ quality: 'low', size: '1024x1024', output_format: 'png' });
    // 4 × $5 + 544 × $40 per million: $0.02178.
    expect(response.headers.get('x-tollgate-cost')).toBe('0.02178');
    expect(response.headers.get('x-tollgate-provider')).toBe('openai');
    // Images are never answered from the response cache unless asked for: each is drawn anew.
    expect(response.headers.get('x-tollgate-cache')).toBe('bypass');
    const requestId = response.headers.get('x-request-id');
    expect(await logs.requestLine(requestId)).toMatchObject({ operation: 'images', status: 200, model: 'image-fast', provider: 'openai', promptTokens: 4, completionTokens: 544, costMicros: 21_780 });
    expect(await ledgerRow(requestId)).toEqual({ operation: 'images', model: 'image-fast', provider: 'openai', prompt_tokens: 4, completion_tokens: 544, cost_micros: 21_780, status: 200, error_code: null });

    await suite.client.images.generate({ model: 'image-fast', prompt: 'a lighthouse at dawn', n: 2, size: '1024x1024', quality: 'low' });
    expect(openaiApi.requests).toHaveLength(2);
  });

  it('serves a DALL·E 3 deployment on Azure OpenAI at its own path, priced by the image, with its URL and revised prompt', async () => {
    const { data: answer, response } = await suite.client.images.generate({ model: 'dall-e-3', prompt: 'a red bicycle', size: '1024x1024', quality: 'hd' }).withResponse();
    expect(azure.requests).toHaveLength(1);
    expect(azure.requests[0]!.path).toMatch(/^\/openai\/deployments\/dall-e-3\/images\/generations\?api-version=/);
    expect(azure.requests[0]!.headers['api-key']).toBe('azure-upstream-key-0000000');
    expect(answer.data).toEqual([{ url: expect.stringMatching(/^https:\/\/images\.mock\.invalid\//), revised_prompt: 'A detailed picture: a red bicycle' }]);
    expect(response.headers.get('x-tollgate-cost')).toBe('0.04');
    expect(await ledgerRow(response.headers.get('x-request-id'))).toEqual({ operation: 'images', model: 'dall-e-3', provider: 'azure', prompt_tokens: 0, completion_tokens: 0, cost_micros: 40_000, status: 200, error_code: null });

    // DALL·E 2 draws several at once: each image is billed ($0.02 each).
    const several = await suite.client.images.generate({ model: 'dall-e-2', prompt: 'a red bicycle', n: 3, response_format: 'b64_json' }).withResponse();
    expect(several.data.data).toHaveLength(3);
    expect(several.response.headers.get('x-tollgate-cost')).toBe('0.06');
  });

  it('holds a budget for the most the images may cost — each of n, by size and quality — and refuses before any upstream call', async () => {
    // Room for $0.05: one low-quality 1024×1024 image (272 tokens, ≈ $0.011) fits; five do not (1,360 tokens, $0.0544).
    const key = await createBudgetedKey(suite.server.url, 'image-budget', 0.05);
    const one = await post(key, { model: 'image-fast', prompt: 'a small cat', size: '1024x1024', quality: 'low' });
    expect(one.status).toBe(200);
    expect(one.headers.get('x-tollgate-cost')).toBe(String((3 * 5 + mockImageTokens('1024x1024', 'low') * 40) / 1_000_000));
    const five = await post(key, { model: 'image-fast', prompt: 'a small cat', n: 5, size: '1024x1024', quality: 'low' });
    expect(five.status).toBe(429);
    expect(((await five.json()) as ErrorBody).error).toMatchObject({ code: 'budget_exceeded', message: expect.stringContaining('may cost up to $0.0544.') });
    // Named neither size nor quality: the largest default size at high quality (6,240 tokens, $0.2496) is held.
    const unnamed = await post(key, { model: 'image-fast', prompt: 'a small cat' });
    expect(unnamed.status).toBe(429);
    expect(((await unnamed.json()) as ErrorBody).error.message).toContain('may cost up to $0.2496.');
    // A quality without a published size in tokens cannot be bounded.
    const unknown = await post(key, { model: 'image-fast', prompt: 'a small cat', quality: 'xhigh' });
    expect(unknown.status).toBe(403);
    expect(((await unknown.json()) as ErrorBody).error).toMatchObject({ code: 'price_unknown', param: 'quality' });
    expect(openaiApi.requests).toHaveLength(1);
  });

  it('redacts PII in the prompt before it leaves', async () => {
    await suite.client.images.generate({ model: 'image-fast', prompt: 'a poster with jane.doe@example.com on it', quality: 'low', size: '1024x1024' });
    expect(openaiApi.requests[0]!.bodyText).not.toContain('jane.doe');
    expect(openaiApi.requests[0]!.body).toMatchObject({ prompt: 'a poster with [EMAIL_1] on it' });
  });

  it("relays the upstream's safety refusal in OpenAI's error shape, recorded without a cost", async () => {
    const error = await suite.client.images.generate({ model: 'image-fast', prompt: 'something forbidden', quality: 'low', size: '1024x1024' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const refused = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(refused.status).toBe(400);
    expect(refused.code).toBe('moderation_blocked');
    expect(refused.message).toContain('rejected by the safety system');
    expect(await ledgerRow(refused.requestID ?? refused.headers?.get('x-request-id') ?? null)).toMatchObject({ operation: 'images', status: 400, cost_micros: null });
  });

  it('refuses what it cannot serve with a clear 400 before any upstream call', async () => {
    const noPrompt = await post(masterKey, { model: 'image-fast' });
    expect(noPrompt.status).toBe(400);
    expect(((await noPrompt.json()) as ErrorBody).error).toMatchObject({ type: 'invalid_request_error', param: 'prompt', message: expect.stringContaining('"prompt"') });
    // A model routed to a server without the Images API.
    const chatOnly = await post(masterKey, { model: 'llama-3.1-8b', prompt: 'a cat' });
    expect(chatOnly.status).toBe(400);
    expect(((await chatOnly.json()) as ErrorBody).error).toMatchObject({ code: 'unsupported_operation', param: 'model', message: expect.stringContaining('does not serve image generation') });
    expect(openaiApi.requests).toHaveLength(0);
    expect(vllm.requests).toHaveLength(0);
  });

  it('relays a streamed generation event by event (partial images first) and records the usage of its last event', async () => {
    openaiApi.enqueue({ stream: { chunkDelayMs: 30 } });
    const { data: stream, response } = await suite.client.images.generate({ model: 'image-fast', prompt: 'a lighthouse at dawn', size: '1024x1024', quality: 'low', stream: true, partial_images: 2 }).withResponse();
    const types: string[] = [];
    let upstreamOpenAtFirstEvent: boolean | undefined;
    let usage: unknown;
    for await (const event of stream) {
      upstreamOpenAtFirstEvent ??= openaiApi.requests[0]!.closedAt === undefined;
      types.push(event.type);
      if (event.type === 'image_generation.completed') usage = event.usage;
    }
    expect(upstreamOpenAtFirstEvent).toBe(true);
    expect(types).toEqual(['image_generation.partial_image', 'image_generation.partial_image', 'image_generation.completed']);
    expect(usage).toMatchObject({ input_tokens: 4, output_tokens: 272 });
    expect(openaiApi.requests[0]!.body).toMatchObject({ model: 'gpt-image-1', stream: true, partial_images: 2 });
    const row = await suite.ledgerRow(response.headers.get('x-request-id'), 'operation, prompt_tokens, completion_tokens, cost_micros, status, stream');
    // 4 × $5 + 272 × $40 per million.
    expect(row).toEqual({ operation: 'images', prompt_tokens: 4, completion_tokens: 272, cost_micros: 10_900, status: 200, stream: 1 });
  });

  it('is served without the /v1 prefix too, as LiteLLM serves it', async () => {
    const response = await fetch(`${suite.server.url}/images/generations`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'image-fast', prompt: 'a cat', quality: 'low', size: '1024x1024' }) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(1);
  });
});
