import OpenAI, { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { mockImageTokens, pngOfSize } from '@tollgate/testkit';
import { createBudgetedKey } from './support/create-budgeted-key.js';
import type { ErrorBody } from './support/error-body.js';
import { statusBeforeUpload } from './support/status-before-upload.js';
import { openAIEndpointSuite } from './support/openai-endpoint-suite.js';
import { masterKey } from './support/start-test-gateway.js';

const suite = await openAIEndpointSuite('tollgate-image-edits', {
  models: {
    'image-editor': { target: 'openai/gpt-image-1.5' },
    'image-2': { target: 'openai/gpt-image-2' },
    'azure-image': { target: 'azure/gpt-image-1.5' },
  },
  azure: { priceProvider: 'openai' },
  cache: true,
});
const { openaiApi, azure, logs } = suite;

const ledgerRow = (requestId: string | null) => suite.ledgerRow(requestId, 'operation, model, prompt_tokens, completion_tokens, cost_micros, status, stream');

/** The upstream's form as it arrived. */
const upstreamForm = (index = 0) => {
  const request = openaiApi.requests[index]!;
  return new Response(request.bodyBytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': String(request.headers['content-type']) } }).formData();
};

/** An edit's form sent with `fetch`, as a client of the API would post it. */
const postEdit = (key: string, fields: Record<string, string>, files: Record<string, Uint8Array> = { image: pngOfSize(1024, 1024) }) => {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, bytes] of Object.entries(files)) form.append(name, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }), `${name}.png`);
  return fetch(`${suite.server.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
};

describe('POST /v1/images/edits', () => {
  it("sends the form on with the routed model and every image as uploaded, and prices the uploads' tokens and the images' at their own prices", async () => {
    const first = pngOfSize(1024, 1024);
    const second = pngOfSize(2048, 1024);
    const mask = pngOfSize(1024, 1024);
    const { data: answer, response } = await suite.client.images
      .edit(
        {
          model: 'image-editor',
          image: [await toFile(first, 'room.png', { type: 'image/png' }), await toFile(second, 'lamp.png', { type: 'image/png' })],
          mask: await toFile(mask, 'mask.png', { type: 'image/png' }),
          prompt: 'put the lamp in the room',
          size: '1024x1024',
          quality: 'low',
          input_fidelity: 'high',
        },
        { headers: { 'x-tollgate-cache': 'use' } },
      )
      .withResponse();
    expect(openaiApi.requests).toHaveLength(1);
    expect(openaiApi.requests[0]!.path).toBe('/v1/images/edits');
    expect(openaiApi.requests[0]!.headers.authorization).toBe('Bearer sk-openai-upstream-000000');
    const form = await upstreamForm();
    expect(form.get('model')).toBe('gpt-image-1.5');
    expect([form.get('prompt'), form.get('size'), form.get('quality'), form.get('input_fidelity')]).toEqual(['put the lamp in the room', '1024x1024', 'low', 'high']);
    const images = form.getAll('image[]') as File[];
    expect(images.map((image) => image.name)).toEqual(['room.png', 'lamp.png']);
    expect(new Uint8Array(await images[0]!.arrayBuffer())).toEqual(first);
    expect(new Uint8Array(await images[1]!.arrayBuffer())).toEqual(second);
    expect(new Uint8Array(await (form.get('mask') as File).arrayBuffer())).toEqual(mask);
    expect(answer.data).toHaveLength(1);
    // Six words, and the images: one tile (194 tokens) and, 1024×512 once scaled down, two (323); one low-quality image out.
    expect(answer.usage).toMatchObject({ input_tokens: 6 + 194 + 323, input_tokens_details: { image_tokens: 517, text_tokens: 6 }, output_tokens: 272 });
    // 6 × $5 + 517 × $8 + 272 × $32 per million (the uploads at $8, not the text's $5; the images' output at $32, not the text's $10).
    expect(response.headers.get('x-tollgate-cost')).toBe('0.01287');
    // An edit's key would be its images: never kept, even when asked.
    expect(response.headers.get('x-tollgate-cache')).toBe('bypass');
    const requestId = response.headers.get('x-request-id');
    expect(await logs.requestLine(requestId)).toMatchObject({ operation: 'images', status: 200, model: 'image-editor', promptTokens: 523, completionTokens: 272, costMicros: 12_870 });
    expect(await ledgerRow(requestId)).toEqual({ operation: 'images', model: 'image-editor', prompt_tokens: 523, completion_tokens: 272, cost_micros: 12_870, status: 200, stream: 0 });
  });

  it("prices a generation's images at the model's image output price", async () => {
    const { response } = await suite.client.images.generate({ model: 'image-editor', prompt: 'a lighthouse at dawn', size: '1024x1024', quality: 'low' }).withResponse();
    // 4 × $5 + 272 × $32 per million: the images' price, not the text's ($10, which made it $0.00274).
    expect(response.headers.get('x-tollgate-cost')).toBe('0.008724');
  });

  it('holds a budget for the uploads by their tiles and each image at the dearer of the known token counts and prices, and refuses before any call', async () => {
    // Room for $0.03: a low-quality edit of one 1024×1024 image fits (held: its 4 tiles, 581 tokens at $8; 272 image tokens at $32).
    const key = await createBudgetedKey(suite.server.url, 'image-edit-budget', 0.03);
    const fits = await postEdit(key, { model: 'image-editor', prompt: 'make it blue', size: '1024x1024', quality: 'low' });
    expect(fits.status).toBe(200);
    // One of 4096×4096 (64 tiles, 8,321 tokens at $8: $0.0666) does not.
    const big = pngOfSize(4096, 4096);
    const bigEdit = await postEdit(key, { model: 'image-editor', prompt: 'make it blue', size: '1024x1024', quality: 'low' }, { image: big });
    expect(bigEdit.status).toBe(429);
    // What the first cost left: $0.03 − (3 × $5 + 194 × $8 + 272 × $32 per million); 8,321 × $8 + 272 × $32 per million held.
    expect(((await bigEdit.json()) as ErrorBody).error).toMatchObject({ code: 'budget_exceeded', message: expect.stringContaining('has $0.0197 left; this request may cost up to $0.0753') });
    // gpt-image-2 at high quality: 7,024 tokens for a 1024×1024 image by its formula (not GPT Image 1's 4,160), at $30: $0.2107.
    const high = await fetch(`${suite.server.url}/v1/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'image-2', prompt: 'a cat', size: '1024x1024', quality: 'high' }),
    });
    expect(high.status).toBe(429);
    expect(((await high.json()) as ErrorBody).error.message).toContain('may cost up to $0.2107');
    // An upload whose size cannot be read cannot be bounded.
    const unreadable = await postEdit(key, { model: 'image-editor', prompt: 'make it blue', quality: 'low' }, { image: new TextEncoder().encode('not an image') });
    expect(unreadable.status).toBe(403);
    expect(((await unreadable.json()) as ErrorBody).error).toMatchObject({ code: 'price_unknown', param: 'image', message: expect.stringContaining('image.png') });
    expect(openaiApi.requests).toHaveLength(1);
    expect(mockImageTokens('1024x1024', 'high', 'gpt-image-2')).toBe(7024);
  });

  it('relays a streamed edit event by event and records the usage of its last event', async () => {
    openaiApi.enqueue({ stream: { chunkDelayMs: 30 } });
    const { data: stream, response } = await suite.client.images
      .edit({ model: 'image-editor', image: await toFile(pngOfSize(512, 512), 'cat.png', { type: 'image/png' }), prompt: 'a hat on the cat', size: '1024x1024', quality: 'low', stream: true, partial_images: 2 })
      .withResponse();
    const types: string[] = [];
    let upstreamOpenAtFirstEvent: boolean | undefined;
    for await (const event of stream) {
      upstreamOpenAtFirstEvent ??= openaiApi.requests[0]!.closedAt === undefined;
      types.push(event.type);
    }
    expect(upstreamOpenAtFirstEvent).toBe(true);
    expect(types).toEqual(['image_edit.partial_image', 'image_edit.partial_image', 'image_edit.completed']);
    const form = await upstreamForm();
    expect([form.get('stream'), form.get('partial_images')]).toEqual(['true', '2']);
    // 5 × $5 + 194 × $8 + 272 × $32 per million.
    expect(await ledgerRow(response.headers.get('x-request-id'))).toEqual({ operation: 'images', model: 'image-editor', prompt_tokens: 199, completion_tokens: 272, cost_micros: 10_281, status: 200, stream: 1 });
  });

  it('redacts PII in the prompt before it leaves, the images and every other field as sent', async () => {
    // Fields whose names an object has on its prototype are fields like any other.
    const response = await postEdit(masterKey, { model: 'image-editor', prompt: 'write jane.doe@example.com on the sign', quality: 'low', size: '1024x1024', toString: 'a', constructor: 'b' });
    expect(response.status).toBe(200);
    const form = await upstreamForm();
    expect([form.get('toString'), form.get('constructor')]).toEqual(['a', 'b']);
    expect(form.get('prompt')).toBe('write [EMAIL_1] on the sign');
    expect(new Uint8Array(await (form.get('image') as File).arrayBuffer())).toEqual(pngOfSize(1024, 1024));
  });

  it("serves an Azure OpenAI deployment at its own path, and relays the upstream's refusal of a mask that does not fit", async () => {
    const response = await postEdit(masterKey, { model: 'azure-image', prompt: 'make it blue', quality: 'low', size: '1024x1024' });
    expect(response.status).toBe(200);
    expect(azure.requests[0]!.path).toMatch(/^\/openai\/deployments\/gpt-image-1\.5\/images\/edits\?api-version=/);
    expect(azure.requests[0]!.headers['api-key']).toBe('azure-upstream-key-0000000');
    expect(String(azure.requests[0]!.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);

    const misfit = await postEdit(masterKey, { model: 'image-editor', prompt: 'make it blue' }, { image: pngOfSize(1024, 1024), mask: pngOfSize(512, 512) });
    expect(misfit.status).toBe(400);
    expect(((await misfit.json()) as ErrorBody).error).toMatchObject({ param: 'mask', message: expect.stringContaining('mask size does not match image size') });
  });

  it('refuses what it cannot serve with a clear error before any upstream call, and a wrong key before reading the upload', async () => {
    const noImage = await postEdit(masterKey, { model: 'image-editor', prompt: 'make it blue' }, {});
    expect(noImage.status).toBe(400);
    expect(((await noImage.json()) as ErrorBody).error).toMatchObject({ type: 'invalid_request_error', param: 'image', message: expect.stringContaining('`image` field') });
    const noPrompt = await postEdit(masterKey, { model: 'image-editor' });
    expect(noPrompt.status).toBe(400);
    expect(((await noPrompt.json()) as ErrorBody).error).toMatchObject({ param: 'prompt' });
    const json = await fetch(`${suite.server.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'image-editor', prompt: 'x' }) });
    expect(json.status).toBe(415);
    expect(((await json.json()) as ErrorBody).error.message).toContain('multipart/form-data');
    // A JSON generation cannot pose as an edit: uploads come only from a form.
    const posing = await fetch(`${suite.server.url}/v1/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'image-editor', prompt: 'x', task: 'edit', files: [{ field: 'image', name: 'a.png', type: 'image/png', bytes: { 0: 137 } }] }),
    });
    expect(posing.status).toBe(400);
    expect(((await posing.json()) as ErrorBody).error.message).toContain('"files[0].bytes"');
    // Headers announcing 40 MB of images, and no body: the refusal must not wait for it.
    expect(await statusBeforeUpload(`${suite.server.url}/v1/images/edits`, 'sk-not-a-key-000000000000', 40)).toBe(401);
    expect(openaiApi.requests).toHaveLength(0);
  });
});
