import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { mockSpeechAudio, mockSpeechTokensPerCharacter } from '@tollgate/testkit';
import { createBudgetedKey } from './support/create-budgeted-key.js';
import type { ErrorBody } from './support/error-body.js';
import { openAIEndpointSuite } from './support/openai-endpoint-suite.js';
import { masterKey } from './support/start-test-gateway.js';

const suite = await openAIEndpointSuite('tollgate-speech', {
  models: {
    'gpt-4o-mini-tts': { target: 'openai/gpt-4o-mini-tts' },
    voice: { target: 'openai/gpt-4o-mini-tts' },
    'tts-1': { target: 'openai/tts-1' },
    'llama-3.1-8b': { target: 'gpu-box/meta-llama/Llama-3.1-8B-Instruct' },
  },
});
const { openaiApi, vllm, logs } = suite;

const ledgerRow = (requestId: string | null) => suite.ledgerRow(requestId, 'operation, model, provider, prompt_tokens, completion_tokens, cost_micros, status');

const text = 'Your table for four is ready at seven tonight.';

describe('POST /v1/audio/speech', () => {
  it("streams GPT-4o mini TTS's audio as it is made, asking upstream for its events to read the usage they alone report", async () => {
    openaiApi.enqueue({ stream: { chunkDelayMs: 20 } });
    const response = await suite.client.audio.speech.create({ model: 'voice', voice: 'alloy', input: text });
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    // The upstream was asked for events (and the routed model); the client gets the audio they carry.
    expect(openaiApi.requests[0]!.path).toBe('/v1/audio/speech');
    expect(openaiApi.requests[0]!.body).toEqual({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: text, stream_format: 'sse' });
    const reader = response.body!.getReader();
    const pieces: Uint8Array[] = [];
    let upstreamOpenAtFirstPiece: boolean | undefined;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      upstreamOpenAtFirstPiece ??= openaiApi.requests[0]!.closedAt === undefined;
      pieces.push(value);
    }
    expect(upstreamOpenAtFirstPiece).toBe(true);
    expect(Buffer.concat(pieces).equals(mockSpeechAudio(text))).toBe(true);
    // 9 words in at $0.60, 5 audio tokens a character out at $12 per million.
    const characters = [...text].length;
    const row = await ledgerRow(response.headers.get('x-request-id'));
    expect(row).toEqual({ operation: 'speech', model: 'voice', provider: 'openai', prompt_tokens: 9, completion_tokens: characters * mockSpeechTokensPerCharacter, cost_micros: Math.round(9 * 0.6 + characters * mockSpeechTokensPerCharacter * 12), status: 200 });
    expect(await logs.requestLine(response.headers.get('x-request-id'))).toMatchObject({ operation: 'speech', status: 200, costMicros: row!.cost_micros });
  });

  it('passes events through to a client that asked for them, and bills tts-1 by the characters it reads', async () => {
    const events = await fetch(`${suite.server.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini-tts', voice: 'nova', input: 'Hello there', stream_format: 'sse' }),
    });
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const body = await events.text();
    expect(body).toContain('"type":"speech.audio.delta"');
    expect(body).toContain('"type":"speech.audio.done"');
    expect(openaiApi.requests[0]!.bodyText).toBe(JSON.stringify({ model: 'gpt-4o-mini-tts', voice: 'nova', input: 'Hello there', stream_format: 'sse' }));
    expect(await ledgerRow(events.headers.get('x-request-id'))).toMatchObject({ completion_tokens: 11 * mockSpeechTokensPerCharacter });

    const tts = await suite.client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: text, response_format: 'wav' });
    expect(tts.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await tts.arrayBuffer()).equals(mockSpeechAudio(text))).toBe(true);
    // tts-1 gets the client's bytes as sent, no events asked for.
    expect(openaiApi.requests[1]!.bodyText).toBe(JSON.stringify({ model: 'tts-1', voice: 'alloy', input: text, response_format: 'wav' }));
    // $15 per million characters.
    expect(await ledgerRow(tts.headers.get('x-request-id'))).toMatchObject({ operation: 'speech', cost_micros: Math.round([...text].length * 15) });
  });

  it('holds a budget for the characters and the audio before the call, and redacts PII in the text read aloud', async () => {
    const key = await createBudgetedKey(suite.server.url, 'speech-budget', 0.002);
    const keyed = new OpenAI({ baseURL: `${suite.server.url}/v1`, apiKey: key, maxRetries: 0 });
    expect((await keyed.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: text })).status).toBe(200);
    // 200 characters: $0.003 at $15 per million on tts-1; ~$0.019 of audio on GPT-4o mini TTS.
    const long = 'x'.repeat(200);
    await expect(keyed.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: long })).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });
    await expect(keyed.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: long })).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect(openaiApi.requests).toHaveLength(1);

    await suite.client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Call jane.doe@example.com back' });
    expect(openaiApi.requests[1]!.body).toMatchObject({ input: 'Call [EMAIL_1] back' });
  });

  it('cuts the connection when the upstream breaks off mid-audio, recorded as failed', async () => {
    openaiApi.enqueue({ stream: { failAfter: 1 } });
    const response = await fetch(`${suite.server.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tts-1', voice: 'alloy', input: 'y'.repeat(100) }),
    });
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
    expect(await ledgerRow(response.headers.get('x-request-id'))).toMatchObject({ operation: 'speech', status: 502 });
  });

  it('refuses what it cannot serve with a clear 400 before any upstream call', async () => {
    const post = (body: object) => fetch(`${suite.server.url}/v1/audio/speech`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const noInput = await post({ model: 'tts-1', voice: 'alloy' });
    expect(noInput.status).toBe(400);
    expect(((await noInput.json()) as ErrorBody).error).toMatchObject({ type: 'invalid_request_error', param: 'input' });
    const chatOnly = await post({ model: 'llama-3.1-8b', voice: 'alloy', input: 'hello' });
    expect(chatOnly.status).toBe(400);
    expect(((await chatOnly.json()) as ErrorBody).error).toMatchObject({ code: 'unsupported_operation', message: expect.stringContaining('does not serve speech') });
    expect(openaiApi.requests).toHaveLength(0);
    expect(vllm.requests).toHaveLength(0);
  });
});
