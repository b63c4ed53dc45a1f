import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testConfig, type TestGateway } from './support/start-test-gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway((mock) => testConfig(mock, { server: { bodyLimit: '2kb' } }));
});
afterAll(() => gateway.close());

async function expectOpenAIError(response: Response, status: number, code: string): Promise<{ message: string; type: string; code: string; param: string | null }> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { message: string; type: string; code: string; param: string | null } };
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(body.error.code).toBe(code);
  return body.error;
}

describe('bad input gets a clear error in the OpenAI shape', () => {
  it('400 for malformed JSON', async () => {
    const error = await expectOpenAIError(await gateway.post('/v1/chat/completions', '{"model": "echo", "messages": ['), 400, 'invalid_json');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('400 naming a missing field', async () => {
    const noMessages = await expectOpenAIError(await gateway.post('/v1/chat/completions', { model: 'echo' }), 400, 'invalid_request');
    expect(noMessages).toMatchObject({ param: 'messages', message: 'The request is missing the required field "messages".' });
    const noModel = await expectOpenAIError(await gateway.post('/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] }), 400, 'invalid_request');
    expect(noModel.param).toBe('model');
    const badRole = await expectOpenAIError(await gateway.post('/v1/chat/completions', { model: 'echo', messages: [{ role: 'robot', content: 'x' }] }), 400, 'invalid_request');
    expect(badRole.param).toBe('messages[0].role');
    const notObject = await expectOpenAIError(await gateway.post('/v1/chat/completions', '[1,2]'), 400, 'invalid_request');
    expect(notObject.message).toMatch(/must be a JSON object/);
    const embeddings = await expectOpenAIError(await gateway.post('/v1/embeddings', { model: 'echo' }), 400, 'invalid_request');
    expect(embeddings.param).toBe('input');
  });

  it('400 telling a field of the wrong type from a missing one, on every ingress', async () => {
    const responses = await expectOpenAIError(await gateway.post('/v1/responses', { model: 'echo', input: 42 }), 400, 'invalid_request');
    expect(responses).toMatchObject({ param: 'input', message: 'The request field "input" must be a string, or an array of input items; got a number.' });
    const completions = await expectOpenAIError(await gateway.post('/v1/completions', { model: 'echo', prompt: { text: 'x' } }), 400, 'invalid_request');
    expect(completions).toMatchObject({ param: 'prompt', message: 'The request field "prompt" must be a string, an array of strings, or token ids (an array of whole numbers, or of such arrays); got an object.' });
    const noModel = await expectOpenAIError(await gateway.post('/v1/completions', { model: '', prompt: 'x' }), 400, 'invalid_request');
    expect(noModel).toMatchObject({ param: 'model', message: 'The request field "model" must be a model name; got an empty string.' });
    // Anthropic's ingress answers in Anthropic's shape.
    const messages = await gateway.post('/v1/messages', { model: 'echo', max_tokens: '64', messages: [{ role: 'user', content: 'x' }] });
    expect(messages.status).toBe(400);
    expect(((await messages.json()) as { error: { message: string } }).error.message).toBe('The request field "max_tokens" must be a number; got a string.');
    const missing = await gateway.post('/v1/messages', { model: 'echo', messages: [{ role: 'user', content: 'x' }] });
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('The request is missing the required field "max_tokens" (a number).');
  });

  it('404 naming an unknown model', async () => {
    const error = await expectOpenAIError(await gateway.post('/v1/chat/completions', { model: 'gpt-99-ultra', messages: [{ role: 'user', content: 'x' }] }), 404, 'model_not_found');
    expect(error).toMatchObject({ param: 'model', type: 'invalid_request_error' });
    expect(error.message).toContain('"gpt-99-ultra"');
  });

  it('413 over the body limit, whether declared or streamed', async () => {
    const large = { model: 'echo', messages: [{ role: 'user', content: 'x'.repeat(4096) }] };
    const error = await expectOpenAIError(await gateway.post('/v1/chat/completions', large), 413, 'payload_too_large');
    expect(error.message).toMatch(/larger than this gateway's limit of 2048 bytes/);
    // Without content-length (chunked), the limit is enforced while reading.
    const chunked = await fetch(`${gateway.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(JSON.stringify(large)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    await expectOpenAIError(chunked, 413, 'payload_too_large');
  });

  it('415 for a body that is not JSON', async () => {
    const error = await expectOpenAIError(await gateway.post('/v1/chat/completions', 'model=echo', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    expect(error.message).toContain('application/x-www-form-urlencoded');
  });

  it('reads a compressed body (gzip, deflate, br) as Express\'s body parsers do; 415 for an encoding it does not read, 413 for one that inflates past the limit, 400 for a corrupt one', async () => {
    const body = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'compressed hello' }] });
    for (const [encoding, compress] of [['gzip', gzipSync], ['deflate', deflateSync], ['br', brotliCompressSync]] as const) {
      const response = await gateway.post('/v1/chat/completions', compress(body), { 'content-encoding': encoding });
      expect(response.status, encoding).toBe(200);
      expect(((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe('Echo: compressed hello');
    }
    const zstd = await expectOpenAIError(await gateway.post('/v1/chat/completions', body, { 'content-encoding': 'zstd' }), 415, 'unsupported_media_type');
    expect(zstd.message).toBe('The body\'s content-encoding "zstd" is not one this gateway reads (gzip, deflate, br, or none).');
    // 100 KB of JSON in a few hundred bytes: the limit (2 KB here) counts what it inflates to.
    const bomb = gzipSync(JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'x'.repeat(100_000) }] }));
    expect(bomb.length).toBeLessThan(2048);
    await expectOpenAIError(await gateway.post('/v1/chat/completions', bomb, { 'content-encoding': 'gzip' }), 413, 'payload_too_large');
    const corrupt = await expectOpenAIError(await gateway.post('/v1/chat/completions', Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }), 400, 'invalid_request');
    expect(corrupt.message).toMatch(/The request body could not be read/);
  });

  it('405 for the wrong method and 404 for an unknown path', async () => {
    const wrongMethod = await fetch(`${gateway.baseURL}/chat/completions`);
    await expectOpenAIError(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const unknown = await expectOpenAIError(await fetch(`${gateway.baseURL}/completions-legacy`), 404, 'not_found');
    // It names what is served, every endpoint included.
    for (const path of ['/v1/chat/completions', '/v1/images/edits', '/v1/audio/speech', '/v1/moderations', '/v1/messages/count_tokens', '/v1/models/{id}', '/health/ready']) expect(unknown.message).toContain(path);
    expect(unknown.message).not.toContain('/admin/');
  });

  it('keeps serving normally after all of the above', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'still here' }] });
    expect(completion.choices[0]?.message.content).toBe('Echo: still here');
  });
});
