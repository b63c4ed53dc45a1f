import OpenAI from 'openai';
import type { ErrorBody } from './support/error-body.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { masterKey, startTestGateway, type TestGateway } from './support/start-test-gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());
beforeEach(() => gateway.mock.reset());

describe('POST /v1/chat/completions (JSON)', () => {
  it('answers the openai client and forwards the request with the provider key', async () => {
    const completion = await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello gateway' }] });
    expect(completion.choices[0]?.message.content).toBe('Mock answer to: Hello gateway');
    expect(completion.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
    const upstream = gateway.mock.requests[0]!;
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(upstream.headers.authorization).toBe('Bearer sk-proj-upstreamSECRET0123456789');
    expect(upstream.body).toMatchObject({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello gateway' }] });
  });

  it('sends the client bytes upstream unchanged when nothing changes (no re-encode)', async () => {
    const body = '{ "model" : "gpt-4o-mini",\n  "messages": [ { "role": "user", "content": "exact bytes" } ], "temperature": 0.25 }';
    const response = await gateway.post('/v1/chat/completions', body);
    expect(response.status).toBe(200);
    expect(gateway.mock.requests[0]?.bodyText).toBe(body);
  });

  it('splices stream_options into the client bytes of a stream that did not ask for usage (no re-encode)', async () => {
    const body = '{ "model" : "gpt-4o-mini", "stream": true,\n  "messages": [ { "role": "user", "content": "exact bytes \u00e9t\u00e9" } ] }';
    const response = await gateway.post('/v1/chat/completions', body);
    expect(response.status).toBe(200);
    await response.text();
    // The client's formatting and escapes survive; only the field the gateway needs was added in front.
    expect(gateway.mock.requests[0]?.bodyText).toBe(`{"stream_options":{"include_usage":true},${body.slice(1)}`);
  });

  it('maps an alias to its upstream model and says so in the headers', async () => {
    const response = await gateway.client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(gateway.mock.requests[0]?.body.model).toBe('gpt-4o');
    expect(response.response.headers.get('x-tollgate-provider')).toBe('openai');
    expect(response.response.headers.get('x-tollgate-model')).toBe('gpt-4o');
    expect(response.response.headers.get('x-tollgate-attempts')).toBe('1');
    expect(response.data.model).toBe('gpt-4o');
  });

  it('routes a wildcard family', async () => {
    await gateway.client.chat.completions.create({ model: 'bench-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(gateway.mock.requests[0]?.body.model).toBe('bench-model');
  });

  it('returns tool calls with their JSON arguments', async () => {
    gateway.mock.enqueue({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' }] });
    const completion = await gateway.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    const call = completion.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris', unit: 'c' });
  });

  it('gives every response a request id, honoring an incoming one', async () => {
    const own = await gateway.post('/v1/chat/completions', { model: 'echo', messages: [{ role: 'user', content: 'x' }] }, { 'x-request-id': 'trace-abc.123' });
    expect(own.headers.get('x-request-id')).toBe('trace-abc.123');
    const generated = await gateway.post('/v1/chat/completions', { model: 'echo', messages: [{ role: 'user', content: 'x' }] });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const failed = await gateway.post('/v1/chat/completions', '{bad json');
    expect(failed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const streamed = await gateway.post('/v1/chat/completions', { model: 'echo', stream: true, messages: [{ role: 'user', content: 'x' }] }, { 'x-request-id': 'trace-stream' });
    expect(streamed.headers.get('x-request-id')).toBe('trace-stream');
    await streamed.text();
    const models = await fetch(`${gateway.baseURL}/models`, { headers: { authorization: `Bearer ${masterKey}`, 'x-request-id': 'trace-models' } });
    expect(models.status).toBe(200);
    expect(models.headers.get('x-request-id')).toBe('trace-models');
    const refused = await fetch(`${gateway.baseURL}/models`, { headers: { authorization: 'Bearer sk-not-a-key-of-this-gateway', 'x-request-id': 'trace-refused' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe('trace-refused');
  });
});

describe('POST /v1/chat/completions (streaming)', () => {
  it('streams content to the openai client and always asks upstream for usage', async () => {
    const stream = await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'stream please' }] });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Mock answer to: stream please');
    expect(gateway.mock.requests[0]?.body.stream_options).toEqual({ include_usage: true });
    // The client did not ask for usage: the usage-only chunk the gateway asked for is not forwarded.
    expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
    await gateway.server.tollgate.gateway.engine.drain();
    const line = gateway.logs.requestLines().at(-1)!;
    expect(line).toMatchObject({ stream: true, status: 200, promptTokens: 2, completionTokens: 5 });
  });

  it('passes the usage chunk to a client that asked, with the bytes untouched', async () => {
    const body = { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'count me' }] };
    const response = await gateway.post('/v1/chat/completions', body);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text();
    expect(gateway.mock.requests[0]?.bodyText).toBe(JSON.stringify(body));
    const events = text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const usageChunk = JSON.parse(events.at(-2)!.slice('data: '.length));
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
  });

  it('relays a CRLF-framed stream (sse-starlette servers) whole, its usage tapped and its usage-only event cut', async () => {
    gateway.mock.enqueue({ stream: { crlf: true } });
    const stream = await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'framed' }] });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Mock answer to: framed');
    expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
    await gateway.server.tollgate.gateway.engine.drain();
    expect(gateway.logs.requestLines().at(-1)).toMatchObject({ stream: true, status: 200, promptTokens: 1, completionTokens: 4 });
  });

  it('forwards each upstream chunk before the next one is sent (no buffering), on the byte path and the decoded path', async () => {
    const requests = [
      // Bytes passed through as they are.
      { path: '/v1/chat/completions', body: { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] }, pattern: /"content":"(one|two|three|four) "/ },
      // Bytes passed through with the usage event cut.
      { path: '/v1/chat/completions', body: { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }] }, pattern: /"content":"(one|two|three|four) "/ },
      // Decoded and re-encoded as Anthropic events (an Anthropic client of an OpenAI model).
      { path: '/v1/messages', body: { model: 'gpt-4o-mini', stream: true, max_tokens: 50, messages: [{ role: 'user', content: 'x' }] }, pattern: /"text":"(one|two|three|four) "/ },
    ];
    for (const request of requests) {
      gateway.mock.enqueue({ stream: { content: ['one ', 'two ', 'three ', 'four '], chunkDelayMs: 80 } });
      const response = await gateway.post(request.path, request.body);
      const reader = response.body!.getReader();
      const arrivals: number[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (request.pattern.test(new TextDecoder().decode(value))) arrivals.push(performance.now());
      }
      // Each content chunk came in its own read, about one upstream interval after the previous one.
      expect(arrivals, request.path).toHaveLength(4);
      for (let index = 1; index < arrivals.length; index += 1) expect(arrivals[index]! - arrivals[index - 1]!).toBeGreaterThan(40);
    }
  });

  it('reassembles streamed tool-call arguments to the exact JSON', async () => {
    const args = '{"query":"tollgate \\"gateway\\"","limit":5,"nested":{"a":[1,2,3]}}';
    gateway.mock.enqueue({ stream: { content: [], toolCalls: [{ name: 'search', arguments: args, id: 'call_1' }], argumentPieces: 7 } });
    const stream = await gateway.client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'find' }],
      tools: [{ type: 'function', function: { name: 'search', parameters: { type: 'object' } } }],
    });
    let assembled = '';
    let name = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.function?.name) name = call.function.name;
      assembled += call?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('search');
    expect(assembled).toBe(args);
    expect(finish).toBe('tool_calls');
  });

  it('ends the stream with an error event (not a silent success) when the upstream breaks mid-stream', async () => {
    gateway.mock.enqueue({ stream: { failAfter: 3, chunkDelayMs: 5 } });
    const stream = await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'one two three four five' }] });
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(received.length).toBeGreaterThan(0);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String((failure as Error).message)).toMatch(/ended its stream|Could not reach/);
  });

  it('turns an upstream error event into the gateway error event', async () => {
    gateway.mock.enqueue({ stream: { errorAfter: 2, chunkDelayMs: 5 } });
    const response = await gateway.post('/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const text = await response.text();
    const events = text.split('\n\n').filter(Boolean);
    expect(events).toHaveLength(3);
    expect((JSON.parse(events[2]!.slice(6)) as ErrorBody).error).toMatchObject({ type: 'upstream_error', message: expect.stringContaining('The server had an error') });
    expect(text).not.toContain('[DONE]');
  });
});

describe('upstream errors', () => {
  it('keeps 429 with its retry-after and code when the wait is longer than the gateway retries for', async () => {
    gateway.mock.enqueue({ status: 429, error: { message: 'Rate limit reached for gpt-4o-mini', type: 'requests', code: 'rate_limit_exceeded' }, headers: { 'retry-after': '30' } });
    const error = await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const apiError = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(apiError.code).toBe('rate_limit_exceeded');
    expect(apiError.headers.get('retry-after')).toBe('30');
    expect(gateway.mock.requests).toHaveLength(1);
    expect(apiError.message).toContain('Rate limit reached for gpt-4o-mini');
  });

  it('keeps 400 context_length_exceeded so clients can react to it', async () => {
    gateway.mock.enqueue({ status: 400, error: { message: "This model's maximum context length is 128000 tokens.", type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' } });
    const error = (await gateway.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect(error.code).toBe('context_length_exceeded');
    expect(error.param).toBe('messages');
  });

  it("turns the provider rejecting the gateway's own key into 502, without the key", async () => {
    gateway.mock.enqueue({ status: 401, error: { message: `Incorrect API key provided: ${'sk-proj-upstreamSECRET0123456789'}.`, type: 'invalid_request_error', code: 'invalid_api_key' } });
    const response = await gateway.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).not.toContain('upstreamSECRET');
    expect(JSON.parse(text).error.message).toMatch(/Provider "openai" answered 401: .*Check providers.openai.apiKey/);
  });

  it('passes 5xx through as a server error in the OpenAI shape', async () => {
    const overloaded = { status: 503, error: { message: 'The engine is currently overloaded', type: 'server_error' } };
    gateway.mock.enqueue(overloaded, overloaded); // the first attempt and its one retry
    const response = await gateway.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(503);
    expect(((await response.json()) as ErrorBody).error).toEqual({ message: 'Provider "openai" answered 503: The engine is currently overloaded', type: 'upstream_error', code: 'server_error', param: null });
  });

  it('reports an answer that is not JSON as an invalid upstream response', async () => {
    gateway.mock.enqueue({ rawBody: '<html>proxy error</html>' }, { rawBody: '<html>proxy error</html>' });
    const response = await gateway.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(502);
    expect(((await response.json()) as ErrorBody).error.code).toBe('upstream_invalid_response');
  });
});

describe('POST /v1/embeddings and GET /v1/models', () => {
  it('returns embeddings to the openai client (base64 by default) and floats when asked', async () => {
    const base64 = await gateway.client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
    expect(base64.data).toHaveLength(2);
    expect(base64.data[0]?.embedding).toHaveLength(8);
    expect(gateway.mock.requests[0]?.body.encoding_format).toBe('base64');
    const floats = await gateway.client.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha', encoding_format: 'float' });
    expect(floats.data[0]?.embedding).toEqual(base64.data[0]?.embedding);
    expect(floats.usage).toEqual({ prompt_tokens: 1, total_tokens: 1 });
  });

  it('serves embeddings from the echo provider too', async () => {
    const result = await gateway.client.embeddings.create({ model: 'echo', input: 'hello', encoding_format: 'float' });
    expect(result.data[0]?.embedding).toHaveLength(16);
  });

  it('lists the configured model names (wildcard families are routes, not models)', async () => {
    const models = await gateway.client.models.list();
    expect(models.data.map((model) => model.id).sort()).toEqual(['echo', 'gpt-4o-mini', 'smart', 'text-embedding-3-small']);
    expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'tollgate' });
  });
});
