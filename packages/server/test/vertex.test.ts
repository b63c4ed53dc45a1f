import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockVertex, mockEmbedding, type MockVertex } from '@tollgate/testkit';
import type { RunningServer } from '../src/index.js';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { openTelemetryPluginWith } from '@tollgate/metrics-opentelemetry';
import { createLogger, startServer } from '../src/index.js';
import { LogCapture, masterKey, serverPackageDirectory, startLoggedServer, startQuietServer } from './support/start-test-gateway.js';

const project = 'acme-ai';
const clientEmail = 'tollgate@acme-ai.iam.gserviceaccount.com';
const sonnet = 'claude-sonnet-4-5@20250929';
const sonnetPath = `/v1/projects/${project}/locations/us-east5/publishers/anthropic/models/${sonnet}`;
const flashPath = `/v1/projects/${project}/locations/us-east5/publishers/google/models/gemini-2.5-flash`;
const user = { clientId: '764086051850-mock.apps.googleusercontent.com', clientSecret: 'd-FL95Q19q7MQmFpd7hHD0Ty-SECRET', refreshToken: '1//0mock-refresh-token-SECRET' };
const serviceKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: typeof serviceKey) => key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let vertex: MockVertex;
let shortLived: MockVertex;
let failingTokens: MockVertex;
let server: RunningServer;
let openai: OpenAI;
let anthropic: Anthropic;
let folder: string;
const logs = new LogCapture();
const spans = new InMemorySpanExporter();
const savedEnv = { ...process.env };

/** A service account key file, as the Cloud console downloads it, naming the mock's token endpoint. */
function keyFile(name: string, key: typeof serviceKey, tokenURL: string): string {
  const path = join(folder, name);
  writeFileSync(path, JSON.stringify({ type: 'service_account', project_id: project, private_key_id: 'a1b2c3', private_key: pem(key), client_email: clientEmail, client_id: '1234567890', token_uri: tokenURL }));
  return path;
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tollgate-vertex-'));
  const serviceAccount = { clientEmail, publicKey: serviceKey.publicKey };
  vertex = await createMockVertex({ project, location: 'us-east5', serviceAccount, authorizedUser: user });
  shortLived = await createMockVertex({ project, serviceAccount, tokenLifetimeSeconds: 2 });
  failingTokens = await createMockVertex({ project, serviceAccount, failWith: { status: 503, error: 'backend_error', description: 'The service is currently unavailable.' } });
  // Application Default Credentials find neither a key file nor gcloud's: the metadata server answers.
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.CLOUDSDK_CONFIG = folder;
  process.env.GCE_METADATA_HOST = vertex.metadataHost;
  const credentials = keyFile('key.json', serviceKey, vertex.tokenURL);
  const onVertex = (extra: Record<string, unknown> = {}) => ({ location: 'us-east5', credentials, ...extra });
  const config = {
    plugins: ['@tollgate/provider-anthropic', '@tollgate/provider-gemini', '@tollgate/provider-openai', '@tollgate/pricing'],
    auth: { masterKey },
    providers: {
      'vertex-claude': { type: 'anthropic', baseURL: vertex.baseURL, vertex: onVertex() },
      // The mock serves the Ranking API on the same port.
      'vertex-gemini': { type: 'gemini', baseURL: vertex.baseURL, rankingURL: vertex.baseURL, vertex: onVertex({ project }) },
      'vertex-user': { type: 'gemini', baseURL: vertex.baseURL, vertex: { project, location: 'us-east5', credentials: { type: 'authorized_user', client_id: user.clientId, client_secret: user.clientSecret, refresh_token: user.refreshToken, token_uri: vertex.tokenURL } } },
      'vertex-metadata': { type: 'anthropic', baseURL: vertex.baseURL, vertex: { project, location: 'us-east5' } },
      'vertex-wrong-key': { type: 'anthropic', baseURL: vertex.baseURL, vertex: onVertex({ credentials: keyFile('other.json', otherKey, vertex.tokenURL) }) },
      'vertex-maas': { type: 'openai', baseURL: vertex.baseURL, vertex: onVertex() },
      // The Gemini API (an API key), next to Vertex AI.
      'gemini-api': { type: 'gemini', baseURL: vertex.baseURL, apiKey: 'AIza-gemini-api-key-000000000000000' },
      // Its key names a token endpoint nothing listens on.
      'vertex-token-503': { type: 'anthropic', baseURL: vertex.baseURL, vertex: onVertex({ credentials: keyFile('failing.json', serviceKey, failingTokens.tokenURL) }) },
      'vertex-no-token-endpoint': { type: 'anthropic', baseURL: vertex.baseURL, vertex: onVertex({ credentials: keyFile('unreachable.json', serviceKey, 'http://127.0.0.1:9/token') }) },
      'vertex-short': { type: 'gemini', baseURL: shortLived.baseURL, vertex: { credentials: keyFile('short.json', serviceKey, shortLived.tokenURL) } },
    },
    routing: { retries: { maxRetries: 0 } },
    models: {
      sonnet: { target: `vertex-claude/${sonnet}` },
      flash: { target: 'vertex-gemini/gemini-2.5-flash' },
      'flash-user': { target: 'vertex-user/gemini-2.5-flash' },
      'sonnet-metadata': { target: `vertex-metadata/${sonnet}` },
      'sonnet-wrong-key': { target: `vertex-wrong-key/${sonnet}` },
      'flash-short': { target: 'vertex-short/gemini-2.5-flash' },
      llama: { target: 'vertex-maas/meta/llama-3.3-70b-instruct-maas' },
      'gemini-embedding': { target: 'vertex-gemini/gemini-embedding-001' },
      'text-embedding-005': { target: 'vertex-gemini/text-embedding-005' },
      'gemini-api-embedding': { target: 'gemini-api/gemini-embedding-001' },
      ranker: { target: 'vertex-gemini/semantic-ranker-default@latest' },
      imagen: { target: 'vertex-gemini/imagen-4.0-fast-generate-001' },
      'gemini-api-ranker': { target: 'gemini-api/semantic-ranker-default@latest' },
      'sonnet-token-503': { target: `vertex-token-503/${sonnet}` },
      'sonnet-token-503-then-flash': { targets: [`vertex-token-503/${sonnet}`, 'vertex-gemini/gemini-2.5-flash'] },
      'sonnet-no-token-then-flash': { targets: [`vertex-no-token-endpoint/${sonnet}`, 'vertex-gemini/gemini-2.5-flash'] },
      'sonnet-or-flash': { targets: [`vertex-claude/${sonnet}`, 'vertex-gemini/gemini-2.5-flash'] },
    },
  };
  const tracing = openTelemetryPluginWith([new SimpleSpanProcessor({ exporter: spans })]);
  server = await startServer({ cwd: serverPackageDirectory, port: 0, logger: createLogger({ destination: logs }), plugins: [{ plugin: tracing }], config });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.url, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  process.env = savedEnv;
  await server.close();
  await vertex.close();
  await shortLived.close();
  await failingTokens.close();
  rmSync(folder, { recursive: true, force: true });
});

beforeEach(() => {
  vertex.reset();
  shortLived.reset();
});

/** The requests that reached a model (not the token endpoint). */
const modelCalls = (mock: MockVertex) => mock.requests.filter((request) => request.path.startsWith('/v1/'));

describe('Claude on Vertex AI', () => {
  it("sends Claude Code's request as it sent it, without model and with Vertex's anthropic_version, to rawPredict with a Google access token", async () => {
    const request = {
      model: 'sonnet',
      max_tokens: 2048,
      system: [{ type: 'text' as const, text: 'You are Claude Code.', cache_control: { type: 'ephemeral' as const } }],
      messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'List the files', cache_control: { type: 'ephemeral' as const } }] }],
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      metadata: { user_id: 'user_abc' },
    };
    vertex.enqueue({ content: 'Here they are.', thinking: 'The user wants files.', usage: { input_tokens: 40, output_tokens: 9, cache_read_input_tokens: 1000 } });
    const message = await anthropic.messages.create(request, { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } });

    const [call] = modelCalls(vertex);
    expect(call!.path).toBe(`${sonnetPath}:rawPredict`);
    expect(call!.headers.authorization).toMatch(/^Bearer ya29\.mock-\d+-/);
    expect(call!.headers['x-api-key']).toBeUndefined();
    expect(call!.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    const { model: _model, ...rest } = request;
    expect(call!.body).toEqual({ ...rest, anthropic_version: 'vertex-2023-10-16' });
    expect(message.id).toMatch(/^msg_vrtx_/);
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect(message.usage).toMatchObject({ input_tokens: 40, output_tokens: 9, cache_read_input_tokens: 1000 });
    const token = vertex.requests.find((candidate) => candidate.path === '/token');
    expect(new URLSearchParams(token!.bodyText).get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
  });

  it('streams through streamRawPredict, every event in order, and records the usage', async () => {
    vertex.enqueue({ content: 'one two three', usage: { input_tokens: 12, output_tokens: 3 } });
    const stream = anthropic.messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'Count' }] });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalMessage();
    const [call] = modelCalls(vertex);
    expect(call!.path).toBe(`${sonnetPath}:streamRawPredict`);
    expect(call!.body).toMatchObject({ stream: true, anthropic_version: 'vertex-2023-10-16' });
    expect(call!.body.model).toBeUndefined();
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: 'one two three' })]);
    const line = await logs.requestLine((await stream.withResponse()).response.headers.get('x-request-id'));
    // Priced by Vertex AI's table (the `google` provider lists Claude Sonnet 4.5 at $3 / $15 per million).
    expect(line).toMatchObject({ provider: 'vertex-claude', promptTokens: 12, completionTokens: 3, costMicros: 81 });
  });

  it('translates an OpenAI client, whole and streamed', async () => {
    vertex.enqueue({ content: 'Paris.' }, { content: 'Lyon is next.' });
    const completion = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of France?' }], max_tokens: 50 });
    expect(completion.choices[0]!.message.content).toBe('Paris.');
    const stream = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'And then?' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('Lyon is next.');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const [whole, streamed] = modelCalls(vertex);
    expect(whole!.path).toBe(`${sonnetPath}:rawPredict`);
    expect(whole!.body).toEqual({ anthropic_version: 'vertex-2023-10-16', max_tokens: 50, system: 'Be brief.', messages: [{ role: 'user', content: 'Capital of France?' }] });
    expect(streamed!.path).toBe(`${sonnetPath}:streamRawPredict`);
  });

  it("counts tokens at Vertex's count-tokens model, naming the model in the body", async () => {
    const counted = await anthropic.messages.countTokens({ model: 'sonnet', messages: [{ role: 'user', content: 'one two three four' }] });
    expect(counted.input_tokens).toBe(4);
    const [call] = modelCalls(vertex);
    expect(call!.path).toBe(`/v1/projects/${project}/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict`);
    expect(call!.body).toMatchObject({ model: sonnet, anthropic_version: 'vertex-2023-10-16' });
  });

  it("reads Vertex's own errors in Google's shape: a quota 429 is retryable and falls over to the next target", async () => {
    const quota = { error: { code: 429, message: 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model with base model: anthropic-claude-sonnet-4-5.', status: 'RESOURCE_EXHAUSTED' } };
    vertex.enqueue({ status: 429, body: quota });
    const refused = await openai.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((refused as InstanceType<typeof OpenAI.APIError>).message).toContain('Quota exceeded for aiplatform.googleapis.com');
    expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe('resource_exhausted');

    vertex.reset();
    vertex.enqueue({ status: 429, body: quota }, { content: 'Gemini here.' });
    const answered = await openai.chat.completions.create({ model: 'sonnet-or-flash', messages: [{ role: 'user', content: 'Hi' }] });
    expect(answered.choices[0]!.message.content).toBe('Gemini here.');
    expect(modelCalls(vertex).map((call) => call.path)).toEqual([`${sonnetPath}:rawPredict`, `${flashPath}:generateContent`]);
  });
});

describe('Gemini on Vertex AI', () => {
  it('never passes on a Google access token an upstream error echoes', async () => {
    vertex.enqueue({ status: 400, body: { error: { code: 400, message: 'Request contains an invalid argument: ya29.a0AfB_byCmockTokenEchoed-0123456789 is malformed.', status: 'INVALID_ARGUMENT' } } });
    const refused = await openai.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    const error = refused as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error.message).toContain('Request contains an invalid argument: [redacted] is malformed.');
    expect(JSON.stringify(error.error) + logs.raw.join('\n')).not.toContain('ya29.a0AfB_byCmockTokenEchoed');
  });

  it('translates chat completions to generateContent and streamGenerateContent on the Google publisher', async () => {
    vertex.enqueue({ content: 'Bonjour.', usage: { promptTokenCount: 7, candidatesTokenCount: 2 } }, { content: 'one two' });
    const completion = await openai.chat.completions.create({ model: 'flash', messages: [{ role: 'system', content: 'Answer in French.' }, { role: 'user', content: 'Hello' }] });
    expect(completion.choices[0]!.message.content).toBe('Bonjour.');
    expect(completion.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 2 });
    const stream = await openai.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'Count' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two');
    const [whole, streamed] = modelCalls(vertex);
    expect(whole!.path).toBe(`${flashPath}:generateContent`);
    expect(whole!.headers['x-goog-api-key']).toBeUndefined();
    expect(whole!.headers.authorization).toMatch(/^Bearer ya29\.mock-/);
    expect(whole!.body.contents).toEqual([{ role: 'user', parts: [{ text: 'Hello' }] }]);
    expect(streamed!.path).toBe(`${flashPath}:streamGenerateContent?alt=sse`);
  });

  it("counts tokens with Vertex's countTokens, which takes the prompt's fields at its top level", async () => {
    const counted = await anthropic.messages.countTokens({ model: 'flash', system: 'Be brief.', messages: [{ role: 'user', content: 'one two three' }] });
    expect(counted.input_tokens).toBe(5);
    const [call] = modelCalls(vertex);
    expect(call!.path).toBe(`${flashPath}:countTokens`);
    expect(call!.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'one two three' }] }], systemInstruction: { parts: [{ text: 'Be brief.' }] } });
  });

  it("signs in with a user's refresh token (gcloud's application-default credentials)", async () => {
    const completion = await openai.chat.completions.create({ model: 'flash-user', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Mock answer to: Hi');
    const token = vertex.requests.find((request) => request.path === '/token');
    expect(Object.fromEntries(new URLSearchParams(token!.bodyText))).toEqual({ grant_type: 'refresh_token', client_id: user.clientId, client_secret: user.clientSecret, refresh_token: user.refreshToken });
  });
});

describe('reranking on Vertex AI (the Ranking API)', () => {
  it('ranks through the project\'s default ranking config with the provider\'s Google token, answered in the rerank API\'s shape', async () => {
    const documents = ['Paris is the capital of France.', 'Berlin is the capital of Germany.', 'The capital of France has many museums.'];
    const answer = await openai.post<Record<string, any>>('/rerank', { body: { model: 'ranker', query: 'capital of France', documents, top_n: 2, return_documents: true } });
    const call = vertex.requests.find((request) => request.path.includes(':rank'))!;
    expect(call.path).toBe(`/v1/projects/${project}/locations/global/rankingConfigs/default_ranking_config:rank`);
    expect(String(call.headers.authorization)).toMatch(/^Bearer ya29\.mock-/);
    expect(call.body).toEqual({ model: 'semantic-ranker-default@latest', query: 'capital of France', records: documents.map((content, index) => ({ id: String(index), content })), topN: 2, ignoreRecordDetailsInResponse: false });
    expect(answer).toEqual({
      model: 'semantic-ranker-default@latest',
      results: [
        { index: 0, relevance_score: 0.99, document: { text: documents[0] } },
        { index: 2, relevance_score: 0.93, document: { text: documents[2] } },
      ],
    });
    // The Gemini API has no ranker.
    const onApi = await openai.post('/rerank', { body: { model: 'gemini-api-ranker', query: 'q', documents: ['d'] } }).catch((error: unknown) => error);
    expect((onApi as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((onApi as InstanceType<typeof OpenAI.APIError>).message).toContain('reranks on Vertex AI only');
  });
});

describe('embeddings on Vertex AI', () => {
  const texts = ['the quick brown fox', 'jumps over', 'the lazy dog today'];

  it("embeds through the model's :predict, one text a call for Gemini's embedding model, as OpenAI's SDK asks (base64), with the tokens Vertex counted", async () => {
    const { data: answer, response } = await openai.embeddings.create({ model: 'gemini-embedding', input: texts, dimensions: 8 }).withResponse();
    expect(answer.data.map((item) => item.index)).toEqual([0, 1, 2]);
    // The SDK asked for base64 and decoded it: the vectors are Vertex's, in input order.
    expect(answer.data.map((item) => item.embedding)).toEqual(texts.map((text) => mockEmbedding(text, 8)));
    expect(answer.usage).toEqual({ prompt_tokens: 10, total_tokens: 10 });
    const calls = modelCalls(vertex);
    expect(calls.map((call) => call.path)).toEqual(Array(3).fill(`/v1/projects/${project}/locations/us-east5/publishers/google/models/gemini-embedding-001:predict`));
    expect(calls.map((call) => call.body).sort((a, b) => a.instances[0].content.localeCompare(b.instances[0].content))).toEqual(
      [...texts].sort().map((content) => ({ instances: [{ content }], parameters: { outputDimensionality: 8 } })),
    );
    // Priced: gemini-embedding-001 at $0.15 per million tokens.
    const line = await logs.requestLine(response.headers.get('x-request-id'));
    expect(line).toMatchObject({ provider: 'vertex-gemini', promptTokens: 10 });
    expect(line.costMicros).toBeGreaterThan(0);
  });

  it("draws Imagen's images through the model's :predict with the provider's Google token", async () => {
    const answer = await openai.images.generate({ model: 'imagen', prompt: 'a red kite', n: 2, size: '1024x1024' });
    expect(answer.data).toHaveLength(2);
    const calls = modelCalls(vertex);
    expect(calls.map((call) => call.path)).toEqual([`/v1/projects/${project}/locations/us-east5/publishers/google/models/imagen-4.0-fast-generate-001:predict`]);
    expect(calls[0]!.headers.authorization).toMatch(/^Bearer /);
    expect(calls[0]!.body).toEqual({ instances: [{ prompt: 'a red kite' }], parameters: { sampleCount: 2, aspectRatio: '1:1' } });
  });

  it('sends the texts in one call to a model that takes many, with the task type a request names', async () => {
    const answer = await openai.embeddings.create({ model: 'text-embedding-005', input: texts, encoding_format: 'float', task_type: 'RETRIEVAL_DOCUMENT' } as never);
    expect(answer.data).toHaveLength(3);
    expect(answer.data[1]!.embedding).toEqual(mockEmbedding('jumps over', 768));
    const [call] = modelCalls(vertex);
    expect(modelCalls(vertex)).toHaveLength(1);
    expect(call!.body).toEqual({ instances: texts.map((content) => ({ content, task_type: 'RETRIEVAL_DOCUMENT' })) });

    // Asked for base64: little-endian float32 bytes, as OpenAI encodes them.
    const raw = await fetch(`${server.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'text-embedding-005', input: 'jumps over', encoding_format: 'base64' }) });
    const encoded = ((await raw.json()) as { data: { embedding: string }[] }).data[0]!.embedding;
    expect(typeof encoded).toBe('string');
    const bytes = Buffer.from(encoded, 'base64');
    expect([...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)]).toEqual(mockEmbedding('jumps over', 768));
  });

  it('refuses token ids, and embeddings on the Gemini API (whose answers count no tokens to charge)', async () => {
    const ids = await openai.embeddings.create({ model: 'gemini-embedding', input: [[1, 2, 3]] }).catch((error: unknown) => error);
    expect((ids as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((ids as InstanceType<typeof OpenAI.APIError>).message).toContain('not token ids');
    const onApi = await openai.embeddings.create({ model: 'gemini-api-embedding', input: 'hello' }).catch((error: unknown) => error);
    expect((onApi as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((onApi as InstanceType<typeof OpenAI.APIError>).message).toContain('serves embeddings on Vertex AI only');
    expect(modelCalls(vertex)).toHaveLength(0);
  });
});

describe("Vertex AI's OpenAI-compatible endpoint", () => {
  it('passes chat completions for the models Vertex AI hosts to endpoints/openapi, whole and streamed, with a Google access token', async () => {
    vertex.enqueue({ content: 'Llama says hi.' }, { content: 'one two three' });
    const completion = await openai.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'Hello' }], temperature: 0.3 });
    expect(completion.choices[0]!.message.content).toBe('Llama says hi.');
    const { data: stream, response } = await openai.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'Count' }], stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two three');
    const [whole, streamed] = modelCalls(vertex);
    expect(whole!.path).toBe(`/v1/projects/${project}/locations/us-east5/endpoints/openapi/chat/completions`);
    expect(whole!.headers.authorization).toMatch(/^Bearer ya29\.mock-/);
    expect(whole!.body).toEqual({ model: 'meta/llama-3.3-70b-instruct-maas', messages: [{ role: 'user', content: 'Hello' }], temperature: 0.3 });
    expect(streamed!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const line = await logs.requestLine(response.headers.get('x-request-id'));
    expect(line).toMatchObject({ provider: 'vertex-maas', upstreamModel: 'meta/llama-3.3-70b-instruct-maas', completionTokens: 3 });
  });
});

describe('Google access tokens', () => {
  it("takes a token from the metadata server when no credentials are given (a VM's, Cloud Run's or GKE's service account)", async () => {
    const message = await anthropic.messages.create({ model: 'sonnet-metadata', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Mock answer to: Hi' });
    const metadata = vertex.requests.find((request) => request.path.startsWith('/computeMetadata/'));
    expect(metadata).toMatchObject({ method: 'GET', path: '/computeMetadata/v1/instance/service-accounts/default/token' });
    expect(metadata!.headers['metadata-flavor']).toBe('Google');
  });

  it('fetches one token for many concurrent requests, and a new one before it expires', async () => {
    const before = shortLived.tokensIssued;
    const answers = await Promise.all(Array.from({ length: 5 }, (_, index) => openai.chat.completions.create({ model: 'flash-short', messages: [{ role: 'user', content: `Hi ${index}` }] })));
    expect(answers).toHaveLength(5);
    expect(shortLived.tokensIssued).toBe(before + 1);
    await openai.chat.completions.create({ model: 'flash-short', messages: [{ role: 'user', content: 'Again' }] });
    expect(shortLived.tokensIssued).toBe(before + 1);
    expect(new Set(modelCalls(shortLived).map((call) => call.headers.authorization)).size).toBe(1);
    // The token lives 2 s: past it, the mock refuses it, so the request succeeds only with a new one.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const later = await openai.chat.completions.create({ model: 'flash-short', messages: [{ role: 'user', content: 'Later' }] });
    expect(later.choices[0]!.message.content).toBe('Mock answer to: Later');
    expect(shortLived.tokensIssued).toBe(before + 2);
  });

  it('answers 502 naming the refused service account when the token endpoint refuses its key, with no secret in the error or the logs', async () => {
    const refused = await openai.chat.completions.create({ model: 'sonnet-wrong-key', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    const error = refused as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(502);
    expect(error.message).toContain(`could not get a Google access token with service account ${clientEmail}: invalid_grant: Invalid JWT Signature.`);
    expect(modelCalls(vertex)).toHaveLength(0);
    const everything = JSON.stringify(error.error) + logs.raw.join('\n');
    for (const secret of [pem(otherKey).split('\n')[1]!, user.clientSecret, user.refreshToken, 'ya29.mock-']) expect(everything).not.toContain(secret);
  });

  it('treats a token endpoint that fails (5xx) as retryable: the group falls over, the error naming Google\'s reason', async () => {
    vertex.enqueue({ content: 'Gemini answered.' });
    const { data, response } = await openai.chat.completions.create({ model: 'sonnet-token-503-then-flash', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe('Gemini answered.');
    const line = await logs.requestLine(response.headers.get('x-request-id'));
    expect(line.attemptLog).toEqual([expect.objectContaining({ target: `vertex-token-503/${sonnet}`, status: 503 }), expect.objectContaining({ target: 'vertex-gemini/gemini-2.5-flash', status: 200 })]);
    const alone = await openai.chat.completions.create({ model: 'sonnet-token-503', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect((alone as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((alone as InstanceType<typeof OpenAI.APIError>).message).toContain(`could not get a Google access token with service account ${clientEmail}: backend_error: The service is currently unavailable.`);
  });

  it('treats a token endpoint it cannot reach as a retryable failure: the group falls over to its next target', async () => {
    vertex.enqueue({ content: 'Gemini answered.' });
    const { data, response } = await openai.chat.completions.create({ model: 'sonnet-no-token-then-flash', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe('Gemini answered.');
    expect(response.headers.get('x-tollgate-provider')).toBe('vertex-gemini');
    expect(modelCalls(vertex).map((call) => call.path)).toEqual([`${flashPath}:generateContent`]);
    const line = await logs.requestLine(response.headers.get('x-request-id'));
    expect(line.attemptLog).toEqual([
      expect.objectContaining({ target: `vertex-no-token-endpoint/${sonnet}`, status: 502, errorCode: 'TOLLGATE_UPSTREAM_UNREACHABLE' }),
      expect.objectContaining({ target: 'vertex-gemini/gemini-2.5-flash', status: 200 }),
    ]);
  });

  it('names Vertex AI as the platform in traces (gen_ai.provider.name gcp.vertex_ai), for Claude, Gemini and the OpenAI-compatible endpoint', async () => {
    vertex.enqueue({ content: 'a' }, { content: 'b' }, { content: 'c' });
    const names: unknown[] = [];
    for (const model of ['sonnet', 'flash', 'llama']) {
      const { response } = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
      const requestId = response.headers.get('x-request-id');
      await logs.requestLine(requestId);
      names.push(spans.getFinishedSpans().find((span) => span.attributes['tollgate.request_id'] === requestId)?.attributes['gen_ai.provider.name']);
    }
    expect(names).toEqual(['gcp.vertex_ai', 'gcp.vertex_ai', 'gcp.vertex_ai']);
  });

  it('says at startup where each provider signs in, never with a secret', () => {
    const lines = logs.lines.filter((line) => line.msg === 'provider calls Vertex AI');
    expect(lines).toContainEqual(expect.objectContaining({ provider: 'vertex-claude', project, location: 'us-east5', signsInWith: `service account ${clientEmail}` }));
    expect(lines).toContainEqual(expect.objectContaining({ provider: 'vertex-user', signsInWith: "a user's application-default credentials" }));
    expect(lines).toContainEqual(expect.objectContaining({ provider: 'vertex-metadata', signsInWith: `the metadata server at http://${vertex.metadataHost}` }));
    expect(JSON.stringify(lines)).not.toContain('PRIVATE KEY');
  });

  it('refuses a config with no project, or with both an API key and vertex, at startup; takes the project from GOOGLE_CLOUD_PROJECT', async () => {
    const config = (provider: Record<string, unknown>) => ({ plugins: ['@tollgate/provider-gemini'], auth: { masterKey }, providers: { g: provider }, models: { m: { target: 'g/gemini-2.5-flash' } } });
    delete process.env.GOOGLE_CLOUD_PROJECT;
    delete process.env.GCLOUD_PROJECT;
    await expect(startQuietServer(config({ type: 'gemini', vertex: { accessToken: 'ya29.given' } }))).rejects.toThrow(/providers\.g\.vertex\.project: required/);
    process.env.GOOGLE_CLOUD_PROJECT = 'from-the-environment';
    const startup = new LogCapture();
    const started = await startLoggedServer(startup, config({ type: 'gemini', vertex: { accessToken: 'ya29.given' } }));
    await started.close();
    delete process.env.GOOGLE_CLOUD_PROJECT;
    expect(startup.lines.find((line) => line.msg === 'provider calls Vertex AI')).toMatchObject({ provider: 'g', project: 'from-the-environment', signsInWith: 'the configured accessToken' });
    await expect(startQuietServer(config({ type: 'gemini', apiKey: 'AIza-key', vertex: { project, accessToken: 'ya29.given' } }))).rejects.toThrow(/either apiKey .* or vertex/);
    await expect(startQuietServer(config({ type: 'gemini', vertex: { project, credentials: join(folder, 'missing.json') } }))).rejects.toThrow(/cannot read the Google credentials file/);
  });
});
