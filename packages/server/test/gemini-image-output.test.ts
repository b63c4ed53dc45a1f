import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockGemini, geminiImageTokens, geminiMockImage, pngOfSize, type MockGemini } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { createBudgetedKey } from './support/create-budgeted-key.js';
import type { ErrorBody } from './support/error-body.js';
import { ledgerRowOf } from './support/ledger-row.js';
import { LogCapture, masterKey, startLoggedServer, temporaryDatabasePath } from './support/start-test-gateway.js';

const geminiKey = 'AIzaSy-upstream-SECRET-0123456789';
const logs = new LogCapture();
const databasePath = await temporaryDatabasePath('tollgate-gemini-images');
let gemini: MockGemini;
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  gemini = await createMockGemini({ apiKey: geminiKey });
  server = await startLoggedServer(logs, {
    plugins: [
      '@tollgate/provider-gemini',
      { name: '@tollgate/ledger-sqlite', options: { path: databasePath, flushIntervalMs: 10 } },
      // The price table: Gemini 2.5 Flash Image $0.30 per million tokens in, $2.50 text and $30 image tokens out; Imagen 4 at $0.04 an image.
      { name: '@tollgate/pricing', options: { overrides: { 'google/imagen-4.0-generate-001': { input: 0, output: 0, request: 40 } } } },
      '@tollgate/governance',
    ],
    auth: { masterKey },
    providers: { google: { type: 'gemini', baseURL: gemini.baseURL, apiKey: geminiKey } },
    models: { 'nano-banana': { target: 'google/gemini-2.5-flash-image' }, flash: { target: 'google/gemini-2.5-flash' }, imagen: { target: 'google/imagen-4.0-generate-001' } },
  });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
  await gemini.close();
});

beforeEach(() => gemini.reset());

/** A chat request for an image, as OpenRouter's clients send it (`modalities`, `image_config`: not in the `openai` SDK's types). */
const imageRequest = (model: string, extra: object = {}) =>
  ({ model, messages: [{ role: 'user', content: 'Draw a red kite' }], modalities: ['image', 'text'], image_config: { aspect_ratio: '16:9' }, ...extra }) as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;

/** The images of an answer's message, in OpenRouter's shape. */
type WithImages = { images?: { type: string; image_url: { url: string } }[] };

describe("Gemini image models through chat completions (OpenRouter's `modalities`)", () => {
  it('asks Gemini for images, answers them as message.images data URLs, and prices their tokens at the image output price', async () => {
    const { data: completion, response } = await client.chat.completions.create(imageRequest('nano-banana')).withResponse();
    expect(gemini.requests[0]!.body.generationConfig).toEqual({ responseModalities: ['IMAGE', 'TEXT'], imageConfig: { aspectRatio: '16:9' } });
    const message = completion.choices[0]!.message as typeof completion.choices[0]['message'] & WithImages;
    expect(message.content).toBe('Mock answer to: Draw a red kite');
    expect(message.images).toEqual([{ type: 'image_url', image_url: { url: `data:image/png;base64,${geminiMockImage}` } }]);
    expect(completion.usage).toMatchObject({ completion_tokens: 7 + geminiImageTokens, completion_tokens_details: { image_tokens: geminiImageTokens } });
    // 4 words in at $0.30; 7 text tokens at $2.50 and 1,290 image tokens at $30 per million out (all at $2.50: $0.003244).
    expect(response.headers.get('x-tollgate-cost')).toBe('0.038719');
  });

  it('streams the image as an images delta, and records its cost', async () => {
    const stream = await client.chat.completions.create({ ...imageRequest('nano-banana'), stream: true, stream_options: { include_usage: true } } as unknown as OpenAI.ChatCompletionCreateParamsStreaming);
    const images: unknown[] = [];
    let text = '';
    let id = '';
    for await (const chunk of stream) {
      id = chunk.id;
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        images.push(...((choice.delta as WithImages).images ?? []));
      }
    }
    expect(text).toBe('Mock answer to: Draw a red kite');
    expect(images).toEqual([{ type: 'image_url', image_url: { url: `data:image/png;base64,${geminiMockImage}` }, index: 0 }]);
    const requestId = (await logs.requestLines()).find((line) => line.stream === true)?.requestId as string;
    expect(id).not.toBe('');
    expect(await ledgerRowOf(server, databasePath, requestId, 'completion_tokens, cost_micros, stream')).toEqual({ completion_tokens: 7 + geminiImageTokens, cost_micros: Math.round(4 * 0.3 + 7 * 2.5 + geminiImageTokens * 30), stream: 1 });
  });

  it("holds a budget at the image output price, and relays the refusal of a model that makes no images", async () => {
    // Room for $0.05: 1,000 output tokens held at $30 ($0.03) fit; 2,000 ($0.06) do not — at the text's $2.50 they would.
    const key = await createBudgetedKey(server.url, 'nano-banana-budget', 0.05);
    const keyed = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const fits = await keyed.chat.completions.create(imageRequest('nano-banana', { max_tokens: 1_000 })).catch((error: unknown) => error);
    expect(fits).not.toBeInstanceOf(Error);
    const refused = (await keyed.chat.completions.create(imageRequest('nano-banana', { max_tokens: 2_000 })).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(refused.status).toBe(429);
    expect((refused.error as ErrorBody['error']).code).toBe('budget_exceeded');
    expect(gemini.requests).toHaveLength(1);

    const textOnly = (await client.chat.completions.create(imageRequest('flash')).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(textOnly.status).toBe(400);
    expect(textOnly.message).toContain('response modalities');
  });
});

describe('POST /v1/images/generations on Gemini: image models and Imagen', () => {
  it("asks a Gemini image model for images only, one call per image, the size as its aspect ratio, and adds up the calls' tokens", async () => {
    const { data: answer, response } = await client.images.generate({ model: 'nano-banana', prompt: 'a red kite over the sea', n: 2, size: '1536x1024' }).withResponse();
    expect(gemini.requests).toHaveLength(2);
    expect(gemini.requests[0]!.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect(gemini.requests[0]!.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'a red kite over the sea' }] }], generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '3:2' } } });
    expect(answer.data).toEqual([{ b64_json: geminiMockImage }, { b64_json: geminiMockImage }]);
    expect(answer.usage).toEqual({
      input_tokens: 12,
      input_tokens_details: { text_tokens: 12, image_tokens: 0 },
      output_tokens: 2 * geminiImageTokens,
      output_tokens_details: { image_tokens: 2 * geminiImageTokens, text_tokens: 0 },
      total_tokens: 12 + 2 * geminiImageTokens,
    });
    // 12 prompt tokens at $0.30 and 2,580 image tokens at $30 per million.
    expect(response.headers.get('x-tollgate-cost')).toBe('0.077404');
    expect(await ledgerRowOf(server, databasePath, response.headers.get('x-request-id'), 'operation, prompt_tokens, completion_tokens, cost_micros')).toEqual({ operation: 'images', prompt_tokens: 12, completion_tokens: 2_580, cost_micros: 77_404 });
  });

  it('answers and charges the images of the calls that succeeded when another failed (they were paid for); fails when all did', async () => {
    gemini.enqueue({ status: 400, error: { status: 'INVALID_ARGUMENT', message: 'The image could not be generated.' } });
    const { data: answer, response } = await client.images.generate({ model: 'nano-banana', prompt: 'a red kite', n: 2 }).withResponse();
    expect(gemini.requests).toHaveLength(2);
    expect(answer.data).toHaveLength(1);
    // One call's tokens: 3 prompt tokens at $0.30 and 1,290 image tokens at $30 per million.
    expect(await ledgerRowOf(server, databasePath, response.headers.get('x-request-id'), 'completion_tokens, cost_micros, status')).toEqual({ completion_tokens: geminiImageTokens, cost_micros: 38_701, status: 200 });

    gemini.reset();
    gemini.enqueue({ status: 400, error: { status: 'INVALID_ARGUMENT', message: 'The image could not be generated.' } }, { status: 400, error: { status: 'INVALID_ARGUMENT', message: 'The image could not be generated.' } });
    const failed = await client.images.generate({ model: 'nano-banana', prompt: 'a red kite', n: 2 }).catch((error: unknown) => error);
    expect((failed as InstanceType<typeof OpenAI.APIError>).message).toContain('The image could not be generated.');
  });

  it("asks Imagen's :predict for n images at the size's aspect ratio, priced by the image; refuses a ratio it does not draw at before any call", async () => {
    const { data: answer, response } = await client.images.generate({ model: 'imagen', prompt: 'a red kite', n: 3, size: '1024x1024' }).withResponse();
    expect(gemini.requests[0]!.path).toBe('/v1beta/models/imagen-4.0-generate-001:predict');
    expect(gemini.requests[0]!.headers['x-goog-api-key']).toBe(geminiKey);
    expect(gemini.requests[0]!.body).toEqual({ instances: [{ prompt: 'a red kite' }], parameters: { sampleCount: 3, aspectRatio: '1:1' } });
    expect(answer.data).toHaveLength(3);
    expect(answer.data![0]!.b64_json).toBe(geminiMockImage);
    expect(response.headers.get('x-tollgate-cost')).toBe('0.12');

    const wide = await client.images.generate({ model: 'imagen', prompt: 'a red kite', size: '1536x1024' }).catch((error: unknown) => error);
    expect(wide).toBeInstanceOf(OpenAI.BadRequestError);
    expect((wide as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('aspect ratios 1:1, 3:4, 4:3, 9:16, 16:9');
    expect((wide as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('size');
    expect(gemini.requests).toHaveLength(1);
  });

  it("edits with a Gemini image model: the uploaded images sent with the prompt as inlineData; a mask is refused, as are edits on Imagen", async () => {
    const image = pngOfSize(64, 64);
    const form = new FormData();
    form.append('model', 'nano-banana');
    form.append('prompt', 'make the kite blue');
    form.append('image', new Blob([image as Uint8Array<ArrayBuffer>], { type: 'image/png' }), 'kite.png');
    const edited = await fetch(`${server.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}` }, body: form });
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as { data: unknown[] }).data).toEqual([{ b64_json: geminiMockImage }]);
    expect(gemini.requests[0]!.body.contents).toEqual([{ role: 'user', parts: [{ text: 'make the kite blue' }, { inlineData: { mimeType: 'image/png', data: Buffer.from(image).toString('base64') } }] }]);

    form.append('mask', new Blob([image as Uint8Array<ArrayBuffer>], { type: 'image/png' }), 'mask.png');
    const masked = await fetch(`${server.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}` }, body: form });
    expect(masked.status).toBe(400);
    expect(((await masked.json()) as ErrorBody).error).toMatchObject({ param: 'mask', message: expect.stringContaining('takes no mask') });

    form.set('model', 'imagen');
    const refused = await fetch(`${server.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}` }, body: form });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({ code: 'unsupported_operation', message: expect.stringContaining('does not edit') });
    expect(gemini.requests).toHaveLength(1);
  });
});
