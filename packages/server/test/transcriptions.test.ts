import OpenAI, { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { silentWav, type RecordedRequest } from '@tollgate/testkit';
import { createBudgetedKey } from './support/create-budgeted-key.js';
import type { ErrorBody } from './support/error-body.js';
import { statusBeforeUpload } from './support/status-before-upload.js';
import { openAIEndpointSuite } from './support/openai-endpoint-suite.js';
import { masterKey } from './support/start-test-gateway.js';

const suite = await openAIEndpointSuite('tollgate-transcriptions', {
  models: {
    'whisper-1': { target: 'openai/whisper-1' },
    transcriber: { target: 'openai/whisper-1' },
    'gpt-4o-transcribe': { target: 'openai/gpt-4o-transcribe' },
    hear: { targets: ['openai/gpt-4o-transcribe', 'openai/whisper-1'] },
    'azure-whisper': { target: 'azure/whisper' },
    'llama-3.1-8b': { target: 'gpu-box/meta-llama/Llama-3.1-8B-Instruct' },
  },
});
const { openaiApi, azure, vllm, logs } = suite;

const ledgerRow = (requestId: string | null) => suite.ledgerRow(requestId, 'operation, model, provider, prompt_tokens, completion_tokens, cost_micros, status');

/** The form an upstream received. */
const formOf = (request: RecordedRequest) => new Response(request.bodyBytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': String(request.headers['content-type']) } }).formData();

const wav = (seconds: number, name = 'memo.wav') => toFile(silentWav(seconds), name, { type: 'audio/wav' });

/** Posts a form of `fields` and a file to the gateway with `key`. */
function postForm(key: string, fields: Record<string, string>, file: { bytes: Uint8Array; name: string; type: string } | undefined, path = '/v1/audio/transcriptions') {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file !== undefined) form.append('file', new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }), file.name);
  return fetch(`${suite.server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
}

describe('POST /v1/audio/transcriptions', () => {
  it('sends the form on with the audio as uploaded, and prices Whisper by the seconds it bills', async () => {
    const audio = silentWav(30);
    const { data: answer, response } = await suite.client.audio.transcriptions.create({ model: 'whisper-1', file: await wav(30) }).withResponse();
    expect(answer.text).toBe('Mock transcript of 30 seconds of audio.');
    expect(openaiApi.requests).toHaveLength(1);
    expect(openaiApi.requests[0]!.path).toBe('/v1/audio/transcriptions');
    expect(openaiApi.requests[0]!.headers.authorization).toBe('Bearer sk-openai-upstream-000000');
    const form = await formOf(openaiApi.requests[0]!);
    expect(form.get('model')).toBe('whisper-1');
    const file = form.get('file') as File;
    expect(file.name).toBe('memo.wav');
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(audio))).toBe(true);
    // 30 seconds at $0.36 an hour.
    expect(response.headers.get('x-tollgate-cost')).toBe('0.003');
    const requestId = response.headers.get('x-request-id');
    expect(await logs.requestLine(requestId)).toMatchObject({ operation: 'transcriptions', status: 200, model: 'whisper-1', provider: 'openai', costMicros: 3_000 });
    expect(await ledgerRow(requestId)).toEqual({ operation: 'transcriptions', model: 'whisper-1', provider: 'openai', prompt_tokens: 0, completion_tokens: 0, cost_micros: 3_000, status: 200 });
  });

  it('passes plain-text formats back as written, priced by the upload\'s own length, and keeps every field (a list repeated)', async () => {
    const text = await suite.client.audio.transcriptions.create({ model: 'transcriber', file: await wav(45), response_format: 'text' }).withResponse();
    expect(text.data).toBe('Mock transcript of 45 seconds of audio.\n');
    expect(text.response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await formOf(openaiApi.requests[0]!)).get('model')).toBe('whisper-1');
    // No usage in a plain answer: the 45 seconds read from the file's header are billed.
    expect(text.response.headers.get('x-tollgate-cost')).toBe('0.0045');

    const verbose = await suite.client.audio.transcriptions.create({ model: 'whisper-1', file: await wav(2), response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'], language: 'en' });
    expect(verbose).toMatchObject({ task: 'transcribe', duration: 2, text: 'Mock transcript of 2 seconds of audio.' });
    const form = await formOf(openaiApi.requests[1]!);
    expect(form.getAll('timestamp_granularities[]')).toEqual(['word', 'segment']);
    expect(form.get('language')).toBe('en');
  });

  it("prices a GPT-4o transcribe model by its tokens, the audio at its own price, and redacts PII in the prompt", async () => {
    const { data: answer, response } = await suite.client.audio.transcriptions
      .create({ model: 'gpt-4o-transcribe', file: await wav(20), prompt: 'Call jane.doe@example.com' })
      .withResponse();
    expect((await formOf(openaiApi.requests[0]!)).get('prompt')).toBe('Call [EMAIL_1]');
    // 2 prompt words, 200 audio tokens (20 s), 7 transcript words.
    expect(answer.usage).toEqual({ type: 'tokens', input_tokens: 202, input_token_details: { text_tokens: 2, audio_tokens: 200 }, output_tokens: 7, total_tokens: 209 });
    // 2 × $2.50 + 200 × $6 + 7 × $10 per million.
    expect(response.headers.get('x-tollgate-cost')).toBe('0.001275');
    expect(await ledgerRow(response.headers.get('x-request-id'))).toMatchObject({ prompt_tokens: 202, completion_tokens: 7, cost_micros: 1_275 });
  });

  it('holds a budget for the audio before the call: its seconds at the hourly price, a token-billed model its whole window', async () => {
    const key = await createBudgetedKey(suite.server.url, 'transcription-budget', 0.002);
    const keyed = new OpenAI({ baseURL: `${suite.server.url}/v1`, apiKey: key, maxRetries: 0 });
    expect((await keyed.audio.transcriptions.create({ model: 'whisper-1', file: await wav(10) })).text).toContain('10 seconds');
    // 30 seconds would be $0.003: more than is left.
    const long = await keyed.audio.transcriptions.create({ model: 'whisper-1', file: await wav(30) }).catch((caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>);
    expect(long).toMatchObject({ status: 429, code: 'budget_exceeded' });
    // GPT-4o transcribe: 16,000 tokens of window at $10 per million at most ($0.16).
    const tokens = await keyed.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await wav(1) }).catch((caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>);
    expect(tokens).toMatchObject({ status: 429, message: expect.stringContaining('may cost up to $0.1600') });
    // A group of both: the dearer of its targets' worst cases is held (Whisper needs no window).
    const group = await keyed.audio.transcriptions.create({ model: 'hear', file: await wav(1) }).catch((caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>);
    expect(group).toMatchObject({ status: 429, message: expect.stringContaining('may cost up to $0.1600') });
    // A file whose length cannot be read cannot be bounded.
    const unreadable = await postForm(key, { model: 'whisper-1' }, { bytes: Buffer.from('not really audio'), name: 'memo.mp3', type: 'audio/mpeg' });
    expect(unreadable.status).toBe(403);
    expect(((await unreadable.json()) as ErrorBody).error).toMatchObject({ code: 'price_unknown', param: 'file' });
    expect(openaiApi.requests).toHaveLength(1);
  });

  it('serves translations (a transcript in English) at /v1/audio/translations, priced and recorded as a transcription', async () => {
    const { data: answer, response } = await suite.client.audio.translations.create({ model: 'transcriber', file: await wav(60), prompt: 'A talk' }).withResponse();
    expect(answer.text).toBe('Mock English translation of 60 seconds of audio.');
    expect(openaiApi.requests[0]!.path).toBe('/v1/audio/translations');
    const form = await formOf(openaiApi.requests[0]!);
    expect([...form.keys()].sort()).toEqual(['file', 'model', 'prompt']);
    expect(form.get('model')).toBe('whisper-1');
    // A minute at $0.36 an hour.
    expect(response.headers.get('x-tollgate-cost')).toBe('0.006');
    expect(await ledgerRow(response.headers.get('x-request-id'))).toMatchObject({ operation: 'transcriptions', model: 'transcriber', cost_micros: 6_000 });
  });

  it("relays the upstream's refusal of a file it cannot decode, and serves an Azure deployment at its own path", async () => {
    const refused = await postForm(masterKey, { model: 'whisper-1' }, { bytes: Buffer.from('not really audio'), name: 'memo.mp3', type: 'audio/mpeg' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error.message).toContain('Invalid file format');

    const azureAnswer = await suite.client.audio.transcriptions.create({ model: 'azure-whisper', file: await wav(3) });
    expect(azureAnswer.text).toBe('Mock transcript of 3 seconds of audio.');
    expect(azure.requests[0]!.path).toMatch(/^\/openai\/deployments\/whisper\/audio\/transcriptions\?api-version=/);
    expect(azure.requests[0]!.headers['api-key']).toBe('azure-upstream-key-0000000');
  });

  it('relays a streamed transcription event by event as the upstream sends it, and records the usage of its last event', async () => {
    openaiApi.enqueue({ stream: { chunkDelayMs: 30 } });
    const { data: stream, response } = await suite.client.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await wav(20), stream: true }).withResponse();
    const types: string[] = [];
    let text = '';
    let upstreamOpenAtFirstEvent: boolean | undefined;
    let done: Record<string, unknown> | undefined;
    for await (const event of stream) {
      upstreamOpenAtFirstEvent ??= openaiApi.requests[0]!.closedAt === undefined;
      types.push(event.type);
      if (event.type === 'transcript.text.delta') text += event.delta;
      else done = event as unknown as Record<string, unknown>;
    }
    // The first delta reached the client while the upstream was still sending the rest.
    expect(upstreamOpenAtFirstEvent).toBe(true);
    expect(types).toEqual([...Array(7).fill('transcript.text.delta'), 'transcript.text.done']);
    expect(text).toBe('Mock transcript of 20 seconds of audio.');
    expect(done).toMatchObject({ text, usage: { type: 'tokens', input_tokens: 200, output_tokens: 7 } });
    expect((await formOf(openaiApi.requests[0]!)).get('stream')).toBe('true');
    // 200 audio tokens at $6 and 7 output tokens at $10 per million.
    const row = await suite.ledgerRow(response.headers.get('x-request-id'), 'prompt_tokens, completion_tokens, cost_micros, status, stream');
    expect(row).toEqual({ prompt_tokens: 200, completion_tokens: 7, cost_micros: 1_270, status: 200, stream: 1 });
  });

  it('ends a streamed transcription the upstream broke off with an error event, recorded as failed; Whisper, which does not stream, answers whole', async () => {
    openaiApi.enqueue({ stream: { errorAfter: 3 } });
    const broken = await postForm(masterKey, { model: 'gpt-4o-transcribe', stream: 'true' }, { bytes: silentWav(5), name: 'a.wav', type: 'audio/wav' });
    expect(broken.status).toBe(200);
    const events = (await broken.text()).split('\n\n').filter((event) => event !== '');
    expect(events).toHaveLength(4);
    expect(events.slice(0, 3).every((event) => event.includes('transcript.text.delta'))).toBe(true);
    expect(events[3]).toContain('"error"');
    expect(await ledgerRow(broken.headers.get('x-request-id'))).toMatchObject({ operation: 'transcriptions', status: 502 });

    const whisper = await postForm(masterKey, { model: 'whisper-1', stream: 'true' }, { bytes: silentWav(10), name: 'a.wav', type: 'audio/wav' });
    expect(whisper.headers.get('content-type')).toBe('application/json');
    expect(((await whisper.json()) as { text: string }).text).toBe('Mock transcript of 10 seconds of audio.');
    expect(await ledgerRow(whisper.headers.get('x-request-id'))).toMatchObject({ status: 200, cost_micros: 1_000 });
  });

  it('refuses a caller without a valid key before reading its upload', async () => {
    // Headers announcing 20 MB of audio, and no body: the refusal must not wait for it.
    const status = await statusBeforeUpload(`${suite.server.url}/v1/audio/transcriptions`, 'sk-not-a-key-00000000000', 20);
    expect(status).toBe(401);
    expect(openaiApi.requests).toHaveLength(0);
  });

  it('refuses what it cannot serve with a clear error before any upstream call, and answers without the /v1 prefix too', async () => {
    const noFile = await postForm(masterKey, { model: 'whisper-1' }, undefined);
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as ErrorBody).error).toMatchObject({ type: 'invalid_request_error', param: 'file' });
    const asJson = await fetch(`${suite.server.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: '{"model":"whisper-1"}' });
    expect(asJson.status).toBe(415);
    const chatOnly = await postForm(masterKey, { model: 'llama-3.1-8b' }, { bytes: silentWav(1), name: 'a.wav', type: 'audio/wav' });
    expect(chatOnly.status).toBe(400);
    expect(((await chatOnly.json()) as ErrorBody).error).toMatchObject({ code: 'unsupported_operation', message: expect.stringContaining('does not serve transcription') });
    expect(openaiApi.requests).toHaveLength(0);
    expect(vllm.requests).toHaveLength(0);

    const unversioned = await postForm(masterKey, { model: 'whisper-1' }, { bytes: silentWav(1), name: 'a.wav', type: 'audio/wav' }, '/audio/transcriptions');
    expect(unversioned.status).toBe(200);
    expect(((await unversioned.json()) as { text: string }).text).toBe('Mock transcript of 1 seconds of audio.');
  });
});
