import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTelemetryPluginWith } from '@tollgate/metrics-opentelemetry';
import { createMockOpenAI, type MockOpenAI } from '@tollgate/testkit';
import { startServer, type RunningServer } from '../src/index.js';
import { serverPackageDirectory, startQuietServer } from './support/start-test-gateway.js';

const masterKey = 'sk-otel-master-key-000000001';
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const clientSpanId = '00f067aa0ba902b7';
let primary: MockOpenAI;
let backup: MockOpenAI;
const exporter = new InMemorySpanExporter();
let server: RunningServer;

const config = (extraPlugins: unknown[] = []) => ({
  plugins: ['@tollgate/provider-openai', { name: '@tollgate/guardrail-keywords', options: { deny: ['Project Falcon'] } }, ...extraPlugins],
  auth: { masterKey },
  routing: { retries: { maxRetries: 0 } },
  providers: { primary: { type: 'openai', baseURL: primary.baseURL, apiKey: 'sk-upstream-000000000000', imagesAPI: true }, backup: { type: 'openai', baseURL: backup.baseURL, apiKey: 'sk-upstream-000000000000' } },
  models: { smart: { targets: ['primary/gpt-4o', 'backup/gpt-4o-mini'] } },
});

beforeAll(async () => {
  primary = await createMockOpenAI();
  backup = await createMockOpenAI();
  server = await startServer({ cwd: serverPackageDirectory, port: 0, logger: (await import('pino')).pino({ enabled: false }), config: config(), plugins: [{ plugin: openTelemetryPluginWith([new SimpleSpanProcessor({ exporter })]) }] });
});

afterAll(async () => {
  await server?.close();
  await primary?.close();
  await backup?.close();
});

/** `SpanStatusCode` of `@opentelemetry/api` (not a dependency of this package). */
const SpanStatusCode = { UNSET: 0, ERROR: 2 } as const;

/** Milliseconds of an OpenTelemetry `[seconds, nanoseconds]` time. */
const hrMs = (time: [number, number]) => time[0] * 1_000 + time[1] / 1e6;

async function spansOf(traceIdWanted: string, count: number): Promise<ReadableSpan[]> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceIdWanted);
    if (spans.length >= count) return spans;
    await sleep(20);
  }
  return exporter.getFinishedSpans();
}

describe('OpenTelemetry traces', () => {
  it('a span per request and per upstream attempt, with GenAI attributes, under the client\'s trace and passed on upstream', async () => {
    primary.enqueue({ status: 503, error: { message: 'overloaded', type: 'server_error' } });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await client.chat.completions.create(
      { model: 'smart', max_tokens: 30, temperature: 0.2, top_p: 0.9, seed: 7, n: 2, stop: ['END'], response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'trace me as JSON' }] },
      { headers: { traceparent: `00-${traceId}-${clientSpanId}-01` } },
    );

    const spans = await spansOf(traceId, 4);
    const root = spans.find((span) => span.name === 'chat smart')!;
    expect(root).toBeDefined();
    expect(root.parentSpanContext?.spanId).toBe(clientSpanId);
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'smart',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 30,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.seed': 7,
      'gen_ai.request.choice.count': 2,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.output.type': 'json',
      // OpenTelemetry's well-known name for an OpenAI-compatible upstream, not the instance name.
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.usage.output_tokens': expect.any(Number),
      'tollgate.attempts': 2,
      'http.response.status_code': 200,
    });
    const children = spans.filter((span) => span.parentSpanContext?.spanId === root.spanContext().spanId);
    // Each attempt named as the GenAI conventions name an inference span: `{operation} {model sent upstream}`.
    expect(children.map((span) => span.name).sort()).toEqual(['chat gpt-4o', 'chat gpt-4o-mini', 'tollgate.admission']);
    expect(children.find((span) => span.name === 'chat gpt-4o')!.attributes).toMatchObject({ 'error.type': 'TOLLGATE_PROVIDER_ERROR', 'http.response.status_code': 503, 'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'tollgate.target': 'primary/gpt-4o', 'server.address': '127.0.0.1', 'server.port': Number(new URL(primary.baseURL).port) });
    // The failed attempt has no answer; the one that answered carries its id.
    expect(children.find((span) => span.name === 'chat gpt-4o')!.attributes).not.toHaveProperty('gen_ai.response.id');
    expect(children.find((span) => span.name === 'chat gpt-4o-mini')!.attributes).toMatchObject({ 'tollgate.target': 'backup/gpt-4o-mini', 'server.address': '127.0.0.1', 'server.port': Number(new URL(backup.baseURL).port), 'gen_ai.response.id': root.attributes['gen_ai.response.id'], 'gen_ai.response.finish_reasons': ['stop'] });
    // Each admission phase with hooks, one after the other, within the admission span (budget.reserve has none here).
    const admission = children.find((span) => span.name === 'tollgate.admission')!;
    const phases = spans.filter((span) => span.parentSpanContext?.spanId === admission.spanContext().spanId).sort((a, b) => hrMs(a.startTime) - hrMs(b.startTime));
    expect(phases.map((span) => span.name)).toEqual(['tollgate.auth', 'tollgate.route', 'tollgate.transform.request']);
    for (const [index, phase] of phases.entries()) {
      expect(hrMs(phase.startTime)).toBeCloseTo(index === 0 ? hrMs(admission.startTime) : hrMs(phases[index - 1]!.endTime), 3);
      expect(hrMs(phase.endTime)).toBeLessThanOrEqual(hrMs(admission.endTime) + 0.001);
    }
    // W3C trace context went upstream, under the request's span.
    for (const mock of [primary, backup]) expect(mock.requests.at(-1)!.headers.traceparent).toBe(`00-${traceId}-${root.spanContext().spanId}-01`);
  });

  it('names an embeddings request and its attempts as embeddings, with its dimensions and encoding format', async () => {
    const embeddingsTrace = '5bf92f3577b34da6a3ce929d0e0e4737';
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await client.embeddings.create({ model: 'smart', input: 'vectors', dimensions: 8, encoding_format: 'float' }, { headers: { traceparent: `00-${embeddingsTrace}-${clientSpanId}-01` } });

    const spans = await spansOf(embeddingsTrace, 3);
    const root = spans.find((span) => span.name === 'embeddings smart')!;
    expect(root.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.embeddings.dimension.count': 8, 'gen_ai.request.encoding_formats': ['float'], 'gen_ai.provider.name': 'openai' });
    const attempt = spans.find((span) => span.parentSpanContext?.spanId === root.spanContext().spanId && span.name !== 'tollgate.admission')!;
    expect(attempt.name).toBe('embeddings gpt-4o');
    expect(attempt.attributes['gen_ai.operation.name']).toBe('embeddings');
  });

  it('names a legacy completions request and its attempts as text_completion', async () => {
    const completionTrace = '6bf92f3577b34da6a3ce929d0e0e4738';
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await client.completions.create({ model: 'smart', prompt: 'def add(a, b):', max_tokens: 8 }, { headers: { traceparent: `00-${completionTrace}-${clientSpanId}-01` } });

    const spans = await spansOf(completionTrace, 3);
    const root = spans.find((span) => span.name === 'text_completion smart')!;
    expect(root.attributes).toMatchObject({ 'gen_ai.operation.name': 'text_completion', 'gen_ai.request.model': 'smart', 'gen_ai.usage.input_tokens': 3 });
    const attempt = spans.find((span) => span.parentSpanContext?.spanId === root.spanContext().spanId && span.name !== 'tollgate.admission')!;
    expect(attempt.name).toBe('text_completion gpt-4o');
    expect(attempt.attributes).toMatchObject({ 'gen_ai.operation.name': 'text_completion', 'gen_ai.response.model': 'gpt-4o' });
  });

  it('names a rerank request and its attempts as rerank, with the documents ranked', async () => {
    const rerankTrace = '7bf92f3577b34da6a3ce929d0e0e4739';
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await client.post('/rerank', { body: { model: 'smart', query: 'capital', documents: ['Paris is a capital.', 'A river.'], top_n: 1 }, headers: { traceparent: `00-${rerankTrace}-${clientSpanId}-01` } });

    const spans = await spansOf(rerankTrace, 3);
    const root = spans.find((span) => span.name === 'rerank smart')!;
    expect(root.attributes).toMatchObject({ 'gen_ai.operation.name': 'rerank', 'tollgate.rerank.documents': 2, 'tollgate.rerank.top_n': 1 });
    const attempt = spans.find((span) => span.parentSpanContext?.spanId === root.spanContext().spanId && span.name !== 'tollgate.admission')!;
    expect(attempt.name).toBe('rerank gpt-4o');
  });

  it('names an image request and its attempts as generate_content, its output an image', async () => {
    const imagesTrace = '8cf92f3577b34da6a3ce929d0e0e4740';
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await client.images.generate({ model: 'smart', prompt: 'a lighthouse', n: 2 }, { headers: { traceparent: `00-${imagesTrace}-${clientSpanId}-01` } });

    const spans = await spansOf(imagesTrace, 3);
    const root = spans.find((span) => span.name === 'generate_content smart')!;
    expect(root.attributes).toMatchObject({ 'gen_ai.operation.name': 'generate_content', 'gen_ai.output.type': 'image', 'gen_ai.request.choice.count': 2 });
    const attempt = spans.find((span) => span.parentSpanContext?.spanId === root.spanContext().spanId && span.name !== 'tollgate.admission')!;
    expect(attempt.name).toBe('generate_content gpt-4o');
  });

  it('marks the phase that refused a request', async () => {
    const refusedTrace = '0af7651916cd43dd8448eb211c80319c';
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'about Project Falcon' }] }, { headers: { traceparent: `00-${refusedTrace}-${clientSpanId}-01` } })).rejects.toMatchObject({ status: 400 });

    const spans = await spansOf(refusedTrace, 5);
    const named = (name: string) => spans.find((span) => span.name === name);
    expect(named('chat smart')!.attributes['error.type']).toBe('guardrail_blocked');
    expect(named('tollgate.auth')!.status.code).toBe(SpanStatusCode.UNSET);
    expect(named('tollgate.route')!.status.code).toBe(SpanStatusCode.UNSET);
    expect(named('tollgate.transform.request')).toMatchObject({ status: { code: SpanStatusCode.ERROR }, attributes: { 'error.type': 'guardrail_blocked' } });
    expect(named('tollgate.budget.reserve')).toBeUndefined();
    expect(primary.requests.filter((request) => request.headers.traceparent?.includes(refusedTrace))).toHaveLength(0);
  });

  it('exports over OTLP/HTTP to the configured endpoint', async () => {
    const received: { path: string; type: string | undefined; body: string }[] = [];
    const collector: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'], body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(collector.address() as { port: number }).port}/v1/traces`;
    const exporting = await startQuietServer(config([{ name: '@tollgate/metrics-opentelemetry', options: { url, serviceName: 'tollgate-test' } }]));
    try {
      await new OpenAI({ baseURL: `${exporting.url}/v1`, apiKey: masterKey, maxRetries: 0 }).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'export me' }] });
    } finally {
      await exporting.close(); // flushes the batch
      collector.close();
    }
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]!.path).toBe('/v1/traces');
    expect(received.map((request) => request.body).join('')).toContain('tollgate-test');
  });
});
