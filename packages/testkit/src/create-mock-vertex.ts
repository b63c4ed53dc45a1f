import type { ServerResponse } from 'node:http';
import { anthropicError, anthropicErrorStatus } from './anthropic-wire.js';
import { anthropicAnswerer } from './create-mock-anthropic.js';
import { geminiAnswerer } from './create-mock-gemini.js';
import { geminiError, geminiErrorStatus, imagenAnswer } from './gemini-wire.js';
import type { MockAnthropicReply } from './mock-anthropic-reply.js';
import type { MockGeminiReply } from './mock-gemini-reply.js';
import type { MockReply } from './mock-reply.js';
import { mockEmbedding, openAIChatCompletion, openAIChunk, openAIUsage } from './openai-wire.js';
import { scoreDocuments } from './rerank-wire.js';
import { MockGoogleOAuth, type MockAuthorizedUser, type MockGoogleOAuthOptions, type MockServiceAccount } from './mock-google-oauth.js';
import { countWords, sendJson, startMockServer, type MockUpstream } from './mock-server.js';
import type { RecordedRequest } from './recorded-request.js';

/** A reply programmed for a Gemini model (`publishers/google`), a Claude model (`publishers/anthropic`) or the OpenAI-compatible endpoint. */
export type MockVertexReply = MockGeminiReply | MockAnthropicReply | MockReply;

/** Options of {@link createMockVertex}. */
export interface MockVertexOptions extends MockGoogleOAuthOptions {
  readonly port?: number;
  /** The only project it serves (others get 403 PERMISSION_DENIED). */
  readonly project: string;
  /** The only location it serves (others get 404). */
  readonly location?: string;
  readonly serviceAccount?: MockServiceAccount;
  readonly authorizedUser?: MockAuthorizedUser;
}

/** A running Vertex AI mock upstream, with Google's token endpoint and a metadata server on the same port. */
export interface MockVertex extends MockUpstream<MockVertexReply> {
  /** The value for a provider's `baseURL`. */
  readonly baseURL: string;
  /** The token endpoint, for a key file's `token_uri`. */
  readonly tokenURL: string;
  /** `127.0.0.1:<port>`, for `GCE_METADATA_HOST`. */
  readonly metadataHost: string;
  /** How many access tokens it issued. */
  readonly tokensIssued: number;
}

const modelRoute = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):([A-Za-z]+)$/;
const chatRoute = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/endpoints\/([^/]+)\/chat\/completions$/;
/** The Ranking API (Discovery Engine): a project's default ranking config. */
const rankRoute = /^\/v1\/projects\/([^/]+)\/locations\/global\/rankingConfigs\/default_ranking_config:rank$/;
/** Google's semantic rankers the Ranking API takes. */
const rankingModels = new Set(['semantic-ranker-default@latest', 'semantic-ranker-default-004', 'semantic-ranker-fast-004', 'semantic-ranker-default-003', 'semantic-ranker-512@latest', 'semantic-ranker-512-003']);
/** The `anthropic_version` Claude on Vertex AI takes in the body. */
const vertexAnthropicVersion = 'vertex-2023-10-16';

/**
 * Answers the Ranking API's `rank` as Google does: a semantic ranker's name, a query, 1 to 200 records
 * with an id and content; the records by descending score, cut to `topN`, their content left out with
 * `ignoreRecordDetailsInResponse`.
 */
function answerRank(body: any, res: ServerResponse, googleFail: (status: string, message: string) => void): void {
  const records: any[] = Array.isArray(body?.records) ? body.records : [];
  if (typeof body?.model === 'string' && !rankingModels.has(body.model)) return googleFail('INVALID_ARGUMENT', `Model "${body.model}" is not supported.`);
  if (typeof body?.query !== 'string' || body.query === '') return googleFail('INVALID_ARGUMENT', 'Query must be set.');
  if (records.length === 0 || records.length > 200) return googleFail('INVALID_ARGUMENT', 'Records must be between 1 and 200.');
  if (records.some((record) => typeof record?.id !== 'string' || typeof record?.content !== 'string')) return googleFail('INVALID_ARGUMENT', 'Each record must have an id and content.');
  const scored = scoreDocuments(body.query, records.map((record) => record.content));
  const top = typeof body.topN === 'number' && body.topN > 0 ? scored.slice(0, body.topN) : scored;
  sendJson(res, 200, { records: top.map(({ index, relevance_score }) => ({ id: records[index].id, score: relevance_score, ...(body.ignoreRecordDetailsInResponse === true ? {} : { content: records[index].content }) })) });
}

/**
 * Starts a faithful Vertex AI upstream on 127.0.0.1, answering only a bearer token it issued itself
 * (Google's 401 `UNAUTHENTICATED` otherwise, expired tokens included):
 * - Gemini models: `…/publishers/google/models/{model}:generateContent`, `:streamGenerateContent?alt=sse`
 *   and `:countTokens`, as the Gemini API mock answers them but for Vertex's differences (every content
 *   must name its role, `usageMetadata.trafficType`, `createTime`);
 * - the OpenAI-compatible endpoint (`…/endpoints/{endpoint}/chat/completions`: `openapi` for the models
 *   Vertex AI hosts, such as `meta/llama-3.3-70b-instruct-maas`), OpenAI's chat completions and chunks;
 * - Claude models: `…/publishers/anthropic/models/{model}:rawPredict` and `:streamRawPredict`, taking
 *   the Messages API's body without `model` and with `anthropic_version: vertex-2023-10-16` (message ids
 *   `msg_vrtx_…`), and `count-tokens:rawPredict`;
 * - text embedding models: `…/publishers/google/models/{model}:predict` (`instances[].content` →
 *   `predictions[].embeddings.values` and `statistics.token_count`; one instance a request for
 *   Gemini's embedding models); Imagen models' `:predict` (`imagenAnswer`);
 * - the Ranking API (Discovery Engine's `/v1/projects/{project}/locations/global/rankingConfigs/default_ranking_config:rank`,
 *   on the same port; see `answerRank`);
 * - Google's token endpoint (`POST /token`) and a metadata server (see {@link MockGoogleOAuth}).
 *
 * @example
 * const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
 * const mock = await createMockVertex({ project: 'acme', serviceAccount: { clientEmail: 'gw@acme.iam.gserviceaccount.com', publicKey } });
 */
export async function createMockVertex(options: MockVertexOptions): Promise<MockVertex> {
  const oauth = new MockGoogleOAuth(options);
  const answerGemini = geminiAnswerer('vertex');
  const answerClaude = anthropicAnswerer('msg_vrtx_');
  let tokenURL = '';
  let chatSequence = 0;

  async function handle(request: RecordedRequest, res: ServerResponse, takeReply: () => MockVertexReply | undefined): Promise<void> {
    if (oauth.answer(request, res, tokenURL)) return;
    const googleFail = (status: string, message: string) => sendJson(res, geminiErrorStatus[status] ?? 500, geminiError(status, message));
    if (!oauth.accepts(request.headers.authorization)) {
      return googleFail('UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    }
    const chat = request.method === 'POST' ? chatRoute.exec(request.path.split('?')[0]!) : null;
    if (chat !== null) {
      if (chat[1] !== options.project || chat[2] !== (options.location ?? 'global')) return googleFail('NOT_FOUND', `Endpoint \`projects/${chat[1]}/locations/${chat[2]}/endpoints/${chat[3]}\` not found.`);
      return answerChat(request, res, takeReply as () => MockReply | undefined);
    }
    const rank = request.method === 'POST' ? rankRoute.exec(request.path.split('?')[0]!) : null;
    if (rank !== null) {
      if (rank[1] !== options.project) return googleFail('PERMISSION_DENIED', `Permission 'discoveryengine.rankingConfigs.rank' denied on resource '//discoveryengine.googleapis.com/projects/${rank[1]}/locations/global/rankingConfigs/default_ranking_config' (or it may not exist).`);
      return answerRank(request.body, res, googleFail);
    }
    const match = modelRoute.exec(request.path.split('?')[0]!);
    if (request.method !== 'POST' || match === null) return googleFail('NOT_FOUND', `The requested URL ${request.path} was not found on this server.`);
    const [, project, location, publisher, encodedModel, method] = match as unknown as [string, string, string, string, string, string];
    const model = decodeURIComponent(encodedModel);
    if (project !== options.project) return googleFail('PERMISSION_DENIED', `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${project}/locations/${location}/publishers/${publisher}/models/${model}' (or it may not exist).`);
    if (location !== (options.location ?? 'global')) return googleFail('NOT_FOUND', `Publisher Model \`projects/${project}/locations/${location}/publishers/${publisher}/models/${model}\` not found.`);
    if (publisher === 'google' && method === 'predict' && model.startsWith('imagen-')) {
      const imagen = imagenAnswer(request.body);
      return sendJson(res, imagen.status, imagen.body);
    }
    if (publisher === 'google' && method === 'predict') return answerEmbeddings(request, res, model);
    if (publisher === 'google') {
      if (method !== 'generateContent' && method !== 'streamGenerateContent' && method !== 'countTokens') return googleFail('NOT_FOUND', `Method not found: ${method}`);
      return answerGemini(request, res, takeReply as () => MockGeminiReply | undefined, model, method);
    }
    const claudeFail = (type: string, message: string) => sendJson(res, anthropicErrorStatus[type] ?? 500, anthropicError(type, message));
    const body = request.body;
    if (method !== 'rawPredict' && method !== 'streamRawPredict') return googleFail('NOT_FOUND', `Method not found: ${method}`);
    if (body?.anthropic_version !== vertexAnthropicVersion) return claudeFail('invalid_request_error', `anthropic_version: Input should be '${vertexAnthropicVersion}'`);
    if (model === 'count-tokens') {
      if (typeof body.model !== 'string') return claudeFail('invalid_request_error', 'model: Field required');
      return sendJson(res, 200, { input_tokens: Math.max(1, countWords(body.messages) + countWords(body.system)) });
    }
    if (body.model !== undefined) return claudeFail('invalid_request_error', 'model: Extra inputs are not permitted');
    if ((method === 'streamRawPredict') !== (body.stream === true)) return claudeFail('invalid_request_error', `${method} takes ${method === 'streamRawPredict' ? '"stream": true' : 'no "stream": true'}`);
    return answerClaude(request, res, takeReply as () => MockAnthropicReply | undefined, model);
  }

  /**
   * A text embedding model's `:predict`: each instance's `content` embedded (a deterministic vector,
   * `outputDimensionality` long, 768 by default or 3,072 for Gemini's), its words as `token_count`;
   * Gemini's embedding models take one instance a request, the others up to 250.
   */
  function answerEmbeddings(request: RecordedRequest, res: ServerResponse, model: string): void {
    const body = request.body;
    const instances: any[] = Array.isArray(body?.instances) ? body.instances : [];
    const limit = model.startsWith('gemini-embedding') ? 1 : 250;
    if (instances.length === 0 || instances.some((instance) => typeof instance?.content !== 'string')) return sendJson(res, 400, geminiError('INVALID_ARGUMENT', 'Invalid JSON payload: instances[].content is required.'));
    if (instances.length > limit) return sendJson(res, 400, geminiError('INVALID_ARGUMENT', `Unable to submit request because the model supports up to ${limit} instances per request, but ${instances.length} were sent.`));
    const dimensions = typeof body.parameters?.outputDimensionality === 'number' ? body.parameters.outputDimensionality : model.startsWith('gemini-embedding') ? 3072 : 768;
    const predictions = instances.map((instance) => ({ embeddings: { statistics: { truncated: false, token_count: Math.max(1, countWords(instance.content)) }, values: mockEmbedding(instance.content, dimensions) } }));
    sendJson(res, 200, { predictions, metadata: { billableCharacterCount: instances.reduce((sum, instance) => sum + instance.content.length, 0) } });
  }

  /** The OpenAI-compatible endpoint: a `chat.completion`, or its chunks (and a usage chunk when asked for). */
  async function answerChat(request: RecordedRequest, res: ServerResponse, takeReply: () => MockReply | undefined): Promise<void> {
    const body = request.body;
    if (typeof body?.model !== 'string' || !Array.isArray(body.messages)) return sendJson(res, 400, geminiError('INVALID_ARGUMENT', 'Invalid JSON payload: model and messages are required.'));
    const reply = takeReply() ?? {};
    if (reply.body !== undefined) return sendJson(res, reply.status ?? 200, reply.body, reply.headers);
    chatSequence += 1;
    const id = `chatcmpl-vertex-${chatSequence}`;
    const created = Math.floor(Date.now() / 1000);
    const lastUser = [...body.messages].reverse().find((message: any) => message?.role === 'user');
    const content = reply.content ?? `Mock answer to: ${typeof lastUser?.content === 'string' ? lastUser.content : ''}`;
    const usage = openAIUsage(Math.max(1, countWords(body.messages)), content.split(/\s+/).filter(Boolean).length);
    if (body.stream !== true) return sendJson(res, 200, openAIChatCompletion({ id, created, model: body.model, content, usage }));
    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (fields: Omit<Parameters<typeof openAIChunk>[0], 'id' | 'created' | 'model' | 'includeUsage'>) => `data: ${JSON.stringify(openAIChunk({ id, created, model: body.model, includeUsage, ...fields }))}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(chunk({ delta: { role: 'assistant', content: '' } }));
    for (const piece of content.split(/(?<= )/)) res.write(chunk({ delta: { content: piece } }));
    res.write(chunk({ delta: {}, finishReason: 'stop' }));
    if (includeUsage) res.write(chunk({ usage }));
    res.end('data: [DONE]\n\n');
  }

  const mock = await startMockServer<MockVertexReply>(options.port, handle);
  tokenURL = `${mock.url}/token`;
  const vertex = Object.assign(mock, { baseURL: mock.url, tokenURL, metadataHost: new URL(mock.url).host });
  // A getter: Object.assign would copy its value once.
  return Object.defineProperty(vertex, 'tokensIssued', { get: () => oauth.issued }) as MockVertex;
}
