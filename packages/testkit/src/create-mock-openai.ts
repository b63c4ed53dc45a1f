import { openAIChatRefusal, openAIResponsesRefusal } from './openai-model-refusals.js';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MockReply } from './mock-reply.js';
import { applyStopSequences, countWords, lastUserText, sendJson, startMockServer, writeMockStream, type MockUpstream } from './mock-server.js';
import { answerCompletions, completionsFields } from './openai-completions-wire.js';
import { lastResponsesUserText, openAIResponseAnswer, openAIResponseEvents } from './openai-responses-wire.js';
import { transcriptionAnswer } from './audio-wire.js';
import { imageEditAnswer, imagesAnswer } from './images-wire.js';
import { speechAnswer } from './speech-wire.js';
import { moderationAnswer } from './moderation-wire.js';
import { rerankAnswer, type RerankShape } from './rerank-wire.js';
import { mockEmbedding, openAIChatCompletion, openAIChunk, openAIError, openAIUsage, servedServiceTier, toBase64Floats } from './openai-wire.js';
import type { RecordedRequest } from './recorded-request.js';

/** Options of {@link createMockOpenAI}. */
export interface MockOpenAIOptions {
  /** Port to listen on (default: any free port). Always bound to 127.0.0.1. */
  readonly port?: number;
  /** Model ids `GET /v1/models` lists. */
  readonly models?: readonly string[];
  /** When set, requests without `authorization: Bearer <apiKey>` get OpenAI's 401. */
  readonly apiKey?: string;
  /**
   * `openrouter` answers as OpenRouter does on the same wire: errors as `{"error":{"code":<status>,
   * "message","metadata"}}`, `usage.cost` (USD) and `is_byok`, `: OPENROUTER PROCESSING` comment lines
   * in streams, a mid-stream error as a chunk with an `error` field and `finish_reason: "error"`, and
   * `GET /v1/generation?id=` records of what it billed each answer (a stream the client left: the
   * words generated before it went), 404 "Generation not found" for another id; a chat request with
   * `modalities` naming `image` answered with a picture in `message.images` (a `data:` URL,
   * `openRouterMockImage`) and its 1,290 tokens (`openRouterImageTokens`) among the completion's.
   * `azure` serves Azure OpenAI's paths (`/openai/deployments/{deployment}/chat/completions` and
   * `/embeddings` with a required `api-version`, or `/openai/v1/…` with `/openai/v1/responses` too), checks `api-key` (or a bearer
   * token) against `apiKey`, answers errors with string codes, and starts streams with a
   * `prompt_filter_results` chunk whose `choices` are empty.
   */
  readonly flavor?: 'openai' | 'openrouter' | 'azure';
  /**
   * Refuse a chat completion or embeddings request with a field OpenAI's API reference does not list,
   * as OpenAI's own API does (`400 Unrecognized request argument supplied: top_k`); and, as Azure's
   * flavor does too, a tool call id longer than 40 characters (`400 string_above_max_length`) and the
   * reasoning and sampling settings a model does not take, chat and Responses alike (`openAIChatRefusal`:
   * an effort it does not define, a temperature on a reasoning model, `stop` before GPT-5.5). Off by default: the mock also
   * stands for vLLM, SGLang and other servers that take their own extensions.
   */
  readonly refuseUnknownFields?: boolean;
  /** The `openrouter` flavor's catalog (`GET /v1/models`): prices in USD per million tokens. */
  readonly catalog?: readonly MockCatalogModel[];
  /**
   * Models `POST /v1/completions` refuses as OpenAI's own API refuses its chat models (404 "This is a
   * chat model and not supported in the v1/completions endpoint"); by default every model is served, as
   * vLLM, SGLang and Ollama serve any model they load there.
   */
  readonly chatOnlyModels?: (model: string) => boolean;
  /**
   * `POST /v1/rerank` answers as Jina's rerank API (default; vLLM, SGLang and Infinity follow it) or as
   * Cohere's v2 (no token usage: billed search units instead).
   */
  readonly rerankShape?: RerankShape;
  /** The `azure` flavor also lets through a bearer token this accepts (a Microsoft Entra ID token: `createMockEntraId`'s `accepts`). */
  readonly acceptsBearer?: (authorization: string | string[] | undefined) => boolean;
  /**
   * How `POST /v1/embeddings` turns a text into its vector: by default a hash of the text (unrelated
   * texts, unrelated vectors); {@link bagOfWordsEmbedding} makes texts with the same words alike, for
   * what compares embeddings (a semantic cache).
   */
  readonly embedding?: (text: string, dimensions: number) => number[];
  /**
   * A chat model's context window in tokens (the mock's tokens: words): a request whose messages'
   * words and output limit pass it is refused as OpenAI refuses it (400 `context_length_exceeded`),
   * as a self-hosted server refuses past its `max_model_len`. Unlimited by default.
   */
  readonly contextLength?: (model: string) => number | undefined;
  /**
   * A chat model's most output tokens: a request whose output limit (`max_completion_tokens`, else
   * `max_tokens`) passes it is refused as OpenAI refuses it (400 `max_tokens is too large: 32000. This
   * model supports at most 16384 completion tokens, whereas you provided 32000.`). Unlimited by default.
   */
  readonly maxOutputTokens?: (model: string) => number | undefined;
}

/** A model of the mock OpenRouter catalog. */
export interface MockCatalogModel {
  readonly id: string;
  /** USD per million tokens. */
  readonly input: number;
  readonly output: number;
  readonly cacheRead?: number;
  /** USD per request, whatever its tokens (Perplexity's models). */
  readonly request?: number;
  /** USD per web search. */
  readonly webSearch?: number;
  /** USD per million tokens of the images the model draws (OpenRouter's `image_output`); a model with one draws images. */
  readonly imageOutput?: number;
  readonly contextLength?: number;
  readonly maxCompletionTokens?: number;
}

const defaultOpenRouterCatalog: readonly MockCatalogModel[] = [
  { id: 'openai/gpt-4o-mini', input: 0.15, output: 0.6, cacheRead: 0.075, contextLength: 128_000, maxCompletionTokens: 16_384 },
  { id: 'anthropic/claude-sonnet-4.5', input: 3, output: 15, cacheRead: 0.3, contextLength: 1_000_000, maxCompletionTokens: 64_000 },
  { id: 'meta-llama/llama-3.3-70b-instruct', input: 0.13, output: 0.4, contextLength: 131_072, maxCompletionTokens: 16_384 },
];

/** USD per million tokens as OpenRouter writes a price: USD per token, a decimal string. */
function perToken(perMillion: number): string {
  return String(perMillion / 1_000_000);
}

/** A catalog model in the shape of OpenRouter's `GET /api/v1/models`. */
function openRouterModelCard(model: MockCatalogModel, created: number) {
  return {
    id: model.id,
    canonical_slug: model.id,
    name: model.id,
    created,
    description: `${model.id} (mock)`,
    context_length: model.contextLength ?? 128_000,
    architecture: {
      modality: model.imageOutput === undefined ? 'text->text' : 'text+image->text+image',
      input_modalities: model.imageOutput === undefined ? ['text'] : ['text', 'image'],
      output_modalities: model.imageOutput === undefined ? ['text'] : ['image', 'text'],
      tokenizer: 'Other',
      instruct_type: null,
    },
    pricing: {
      prompt: perToken(model.input),
      completion: perToken(model.output),
      request: String(model.request ?? 0),
      image: '0',
      image_output: perToken(model.imageOutput ?? 0),
      web_search: String(model.webSearch ?? 0),
      internal_reasoning: '0',
      ...(model.cacheRead === undefined ? {} : { input_cache_read: perToken(model.cacheRead) }),
    },
    top_provider: { context_length: model.contextLength ?? 128_000, max_completion_tokens: model.maxCompletionTokens ?? null, is_moderated: false },
    per_request_limits: null,
    supported_parameters: ['max_tokens', 'temperature', 'tools', 'tool_choice', 'stop'],
  };
}

/** A running OpenAI-compatible mock upstream. */
export interface MockOpenAI extends MockUpstream<MockReply> {
  /** `http://127.0.0.1:<port>/v1`, the value for a provider's `baseURL`. */
  readonly baseURL: string;
}

/** OpenAI's reasoning models, which take `max_completion_tokens` and refuse `max_tokens`. */
const reasoningModel = /^(?:o\d|gpt-5|codex-)/;

/** The first assistant tool call id longer than OpenAI's 40 characters: where it is, and its length. */
function longToolCallId(messages: unknown): { param: string; length: number } | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (const [index, message] of messages.entries()) {
    const calls: unknown = (message as { tool_calls?: unknown } | null)?.tool_calls;
    if (!Array.isArray(calls)) continue;
    for (const [position, call] of calls.entries()) {
      const id = String((call as { id?: unknown } | null)?.id ?? '');
      if (id.length > 40) return { param: `messages[${index}].tool_calls[${position}].id`, length: id.length };
    }
  }
  return undefined;
}
/** OpenAI's models served by the Responses API only (the Codex, -pro and deep-research models). */
const responsesOnlyModel = /codex|^o\d+-pro|^gpt-5(?:\.\d+)?-pro|deep-research/;
/** The fields `POST /v1/responses` takes; any other is refused, as OpenAI does. */
const responsesFields = new Set(['model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens', 'max_tool_calls', 'temperature', 'top_p', 'top_logprobs', 'user', 'safety_identifier', 'metadata', 'store', 'stream', 'stream_options', 'reasoning', 'text', 'truncation', 'include', 'previous_response_id', 'conversation', 'prompt', 'prompt_cache_key', 'prompt_cache_retention', 'service_tier', 'background']);
/**
 * The fields of OpenAI's `POST /chat/completions`, from its API reference (the mock's own copy: a
 * gateway's list is what it tests).
 */
const chatFields = new Set([
  'messages', 'model', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs', 'max_completion_tokens', 'max_tokens',
  'metadata', 'modalities', 'n', 'parallel_tool_calls', 'prediction', 'presence_penalty', 'prompt_cache_key', 'prompt_cache_retention',
  'reasoning_effort', 'response_format', 'safety_identifier', 'seed', 'service_tier', 'stop', 'store', 'stream', 'stream_options',
  'temperature', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'user', 'verbosity', 'web_search_options',
]);

/** The fields of OpenAI's `POST /embeddings`, from its API reference. */
const embeddingFields = new Set(['input', 'model', 'encoding_format', 'dimensions', 'user']);

/** The fields `POST /v1/responses/input_tokens` takes; any other is refused. */
/** The fields `POST /v1/responses/compact` takes, from OpenAI's API reference; any other is refused. */
const compactFields = new Set(['model', 'input', 'instructions', 'previous_response_id', 'prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options', 'image']);
/** Output tokens the mock's compaction pass reports: the encrypted summary's. */
export const mockCompactionTokens = 256;
const inputTokenFields = new Set(['model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'text', 'truncation', 'conversation', 'previous_response_id']);

/** Chat fields the Responses API refuses, and their new names there. */
const movedResponsesFields = [['max_tokens', 'max_output_tokens'], ['messages', 'input'], ['response_format', 'text.format']] as const;

/** Answers `POST /v1/responses` as OpenAI's Responses API does: a response object, or its stream of events. */
async function answerResponses(res: ServerResponse, body: Record<string, any>, reply: MockReply, sequence: number): Promise<void> {
  const model = reply.model ?? (typeof body.model === 'string' ? body.model : 'gpt-4o-mini');
  const shape = reply.stream ?? {};
  const streamed = body.stream === true;
  const text = streamed && shape.content !== undefined ? shape.content.join('') : (reply.content ?? `Mock answer to: ${lastResponsesUserText(body.input)}`);
  const toolCalls = (streamed ? shape.toolCalls : reply.toolCalls) ?? [];
  const input = {
    sequence,
    body,
    model,
    text,
    toolCalls,
    reasoning: reasoningModel.test(model) && body.reasoning != null,
    reasoningSummary: typeof body.reasoning?.summary === 'string' && body.reasoning.summary !== 'none' ? (reply.reasoningSummary ?? []) : [],
    incompleteReason: reply.finishReason === undefined ? undefined : reply.finishReason === 'length' ? 'max_output_tokens' : 'content_filter',
    serviceTier: reply.serviceTier ?? servedServiceTier(body.service_tier),
    // Searches run only with the built-in web search tool, and stop at max_tool_calls.
    webSearches: Array.isArray(body.tools) && body.tools.some((tool: any) => typeof tool?.type === 'string' && tool.type.startsWith('web_search'))
      ? (reply.webSearches ?? []).slice(0, typeof body.max_tool_calls === 'number' ? body.max_tool_calls : undefined)
      : [],
    usage: {
      input: reply.usage?.prompt_tokens ?? Math.max(1, countWords(body.input) + countWords(body.instructions)),
      output: reply.usage?.completion_tokens ?? countWords(text),
      cached: reply.usage?.cached_tokens ?? 0,
      reasoning: reply.usage?.reasoning_tokens ?? 0,
    },
  };
  if (!streamed) {
    sendJson(res, reply.status ?? 200, openAIResponseAnswer(input), reply.headers);
    return;
  }
  const events = openAIResponseEvents(input, shape);
  res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...reply.headers });
  const errorAt = shape.errorAfter ?? 0;
  const failure = { type: 'error', code: 'server_error', message: 'The server had an error while processing your request.', param: null, sequence_number: errorAt };
  await writeMockStream(res, events, shape, { errorEvent: `event: error\ndata: ${JSON.stringify(failure)}\n\n` });
}

/** A 1×1 PNG, base64: the picture the `openrouter` flavor's image models draw. */
export const openRouterMockImage = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** The completion tokens of a picture the `openrouter` flavor's image models draw (as Gemini 2.5 Flash Image counts one). */
export const openRouterImageTokens = 1290;

/** What OpenAI (and vLLM) refuse of a chat request's tools: an empty list, and a `tool_choice` or `parallel_tool_calls` without tools. */
function chatToolsProblem(body: Record<string, unknown>): { message: string; param: string; code?: string } | undefined {
  if (Array.isArray(body.tools) && body.tools.length === 0) return { message: "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: 'tools', code: 'empty_array' };
  if (body.tool_choice != null && body.tools == null) return { message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", param: 'tool_choice' };
  if (body.parallel_tool_calls != null && body.tools == null) return { message: "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.", param: 'parallel_tool_calls' };
  return undefined;
}

/**
 * What OpenAI's chat completions refuse in a conversation's shape: an image in a message other than
 * a user's, an assistant's empty `tool_calls`, and its tool calls not followed, at once, by a tool
 * message for each.
 */
function chatMessagesProblem(messages: unknown): { message: string; param: string; code?: string } | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (const [index, message] of (messages as { role?: unknown; content?: unknown; tool_calls?: unknown }[]).entries()) {
    if (message?.role !== 'user' && Array.isArray(message?.content) && message.content.some((part: { type?: unknown }) => part?.type === 'image_url')) {
      return { message: `Invalid 'messages[${index}]'. Image URLs are only allowed for messages with role 'user', but this message with role '${String(message.role)}' contains an image URL.`, param: `messages[${index}]` };
    }
    if (message?.role === 'assistant' && Array.isArray(message.tool_calls) && message.tool_calls.length === 0) {
      return { message: `Invalid 'messages[${index}].tool_calls': empty array. Expected an array with minimum length 1, but got an empty array instead.`, param: `messages[${index}].tool_calls`, code: 'empty_array' };
    }
    if (message?.role !== 'assistant' || !Array.isArray(message.tool_calls) || message.tool_calls.length === 0) continue;
    const answered = new Set<unknown>();
    for (let next = index + 1; next < messages.length && (messages[next] as { role?: unknown }).role === 'tool'; next += 1) answered.add((messages[next] as { tool_call_id?: unknown }).tool_call_id);
    const missing = (message.tool_calls as { id?: unknown }[]).map((call) => call.id).filter((id) => !answered.has(id));
    if (missing.length > 0) {
      return { message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${missing.join(', ')}`, param: 'messages' };
    }
  }
  return undefined;
}

/**
 * Starts a faithful OpenAI-compatible upstream on 127.0.0.1: chat completions (JSON and SSE, tool-call
 * deltas, the usage chunk), the Responses API (`POST /v1/responses`: response objects and their
 * numbered stream events, reasoning items for reasoning models; Codex models refuse chat completions;
 * `POST /v1/responses/input_tokens`, the words of `input` and `instructions` as `input_tokens`),
 * rerank (`POST /v1/rerank`, Jina's or Cohere's shape), images (`POST /v1/images/generations`, GPT Image's
 * tokens and DALL·E's URLs; `/v1/images/edits`, a form with the images to start from), moderations (`POST /v1/moderations`), speech (`POST /v1/audio/speech`: audio in pieces, GPT-4o mini TTS's events),
 * transcriptions and translations (`POST /v1/audio/transcriptions`, `/translations`: WAV files,
 * Whisper's seconds and GPT-4o transcribe's tokens), vLLM's tokenizer (`POST /tokenize` at the root:
 * `count`, `max_model_len`, `tokens`), legacy completions (`POST /v1/completions`: `text_completion` objects and their streams, `max_tokens`
 * 16 when left out, `echo`, `suffix` taken, legacy `logprobs`), embeddings (float and base64), models, and errors in OpenAI's shape
 * (`retry-after` on 429). Programmable per request with {@link MockOpenAI.enqueue}; records every
 * request, noting those whose client went away.
 *
 * @example
 * const mock = await createMockOpenAI();
 * mock.enqueue({ status: 429, error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } });
 */
export async function createMockOpenAI(options: MockOpenAIOptions = {}): Promise<MockOpenAI> {
  let sequence = 0;
  /** Responses answered with `store` on (OpenAI's default): a later `previous_response_id` may name them. */
  const storedResponses = new Set<string>();
  const openRouter = options.flavor === 'openrouter';
  /** The `openrouter` flavor's generation records (`GET /v1/generation?id=`), by answer id. */
  const generations = new Map<string, Record<string, unknown>>();
  const recordGeneration = (id: string, model: string, prompt: number, completion: number, cost: number, how: { streamed: boolean; cancelled: boolean }) =>
    generations.set(id, {
      id,
      model,
      total_cost: cost,
      created_at: new Date().toISOString(),
      tokens_prompt: prompt,
      tokens_completion: completion,
      native_tokens_prompt: prompt,
      native_tokens_completion: completion,
      streamed: how.streamed,
      cancelled: how.cancelled,
      provider_name: 'MockProvider',
      finish_reason: how.cancelled ? null : 'stop',
    });
  const azure = options.flavor === 'azure';
  const azurePath = /^\/openai\/(?:deployments\/[^/]+\/(chat\/completions|completions|embeddings|images\/generations|images\/edits|audio\/transcriptions|audio\/translations|audio\/speech)|v1\/(chat\/completions|completions|embeddings|responses|images\/generations|images\/edits|audio\/transcriptions|audio\/translations|audio\/speech))$/;

  async function handle(request: RecordedRequest, res: ServerResponse, takeReply: () => MockReply | undefined): Promise<void> {
    const body = request.body;
    if (azure) {
      const presented = request.headers['api-key'] ?? String(request.headers.authorization ?? '').replace(/^Bearer /, '');
      const signedIn = options.acceptsBearer?.(request.headers.authorization) === true;
      if (!signedIn && (options.apiKey !== undefined ? presented !== options.apiKey : options.acceptsBearer !== undefined)) {
        sendJson(res, 401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } });
        return;
      }
      if (request.path.startsWith('/openai/deployments/') && !/[?&]api-version=/.test(request.path)) {
        sendJson(res, 404, { error: { code: '404', message: 'Resource not found' } });
        return;
      }
    } else if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendJson(res, 401, openAIError('Incorrect API key provided: sk-wr******ey. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key'));
      return;
    }
    const rawPath = request.path.split('?')[0]!;
    // OpenRouter's record of what it billed for a generation, by the id it gave the answer.
    if (openRouter && request.method === 'GET' && rawPath === '/v1/generation') {
      const generation = generations.get(new URL(request.path, 'http://mock').searchParams.get('id') ?? '');
      if (generation === undefined) return sendJson(res, 404, { error: { code: 404, message: 'Generation not found' } });
      return sendJson(res, 200, { data: generation });
    }
    const azureMatch = azure ? azurePath.exec(rawPath) : null;
    const path = azureMatch === null ? rawPath : `/v1/${azureMatch[1] ?? azureMatch[2]}`;
    const isChat = request.method === 'POST' && path === '/v1/chat/completions';
    const isEmbeddings = request.method === 'POST' && path === '/v1/embeddings';
    const isModels = request.method === 'GET' && path === '/v1/models';
    const isResponses = request.method === 'POST' && path === '/v1/responses' && !openRouter;
    const isCompletions = request.method === 'POST' && path === '/v1/completions';
    const isRerank = request.method === 'POST' && path === '/v1/rerank' && !openRouter && !azure;
    const isImages = request.method === 'POST' && (path === '/v1/images/generations' || path === '/v1/images/edits') && !openRouter;
    const isModerations = request.method === 'POST' && path === '/v1/moderations' && !openRouter && !azure;
    const isSpeech = request.method === 'POST' && path === '/v1/audio/speech' && !openRouter;
    const isTranscriptions = request.method === 'POST' && (path === '/v1/audio/transcriptions' || path === '/v1/audio/translations') && !openRouter;
    if (request.method === 'POST' && path === '/v1/responses/input_tokens' && !openRouter && !azure) {
      const unknown = Object.keys(body ?? {}).find((field) => !inputTokenFields.has(field));
      if (unknown !== undefined) return sendJson(res, 400, openAIError(`Unknown parameter: '${unknown}'.`, 'invalid_request_error', 'unknown_parameter', unknown));
      const words = countWords((body as { input?: unknown } | undefined)?.input) + countWords((body as { instructions?: unknown } | undefined)?.instructions);
      return sendJson(res, 200, { object: 'response.input_tokens', input_tokens: Math.max(1, words) });
    }
    // OpenAI's compaction: the user's messages kept, the rest as one encrypted `compaction` item.
    if (request.method === 'POST' && path === '/v1/responses/compact' && !openRouter) {
      const unknown = Object.keys(body ?? {}).find((field) => !compactFields.has(field));
      if (unknown !== undefined) return sendJson(res, 400, openAIError(`Unknown parameter: '${unknown}'.`, 'invalid_request_error', 'unknown_parameter', unknown));
      if (typeof (body as { model?: unknown } | undefined)?.model !== 'string') return sendJson(res, 400, openAIError("Missing required parameter: 'model'.", 'invalid_request_error', 'missing_required_parameter', 'model'));
      const input = (body as { input?: unknown }).input;
      const items: Record<string, unknown>[] = typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? input : [];
      const kept = items.filter((item) => item.role === 'user').map((item, index) => ({ id: `msg_cmp${index}`, type: 'message', status: 'completed', role: 'user', content: typeof item.content === 'string' ? [{ type: 'input_text', text: item.content }] : item.content }));
      const inputTokens = Math.max(1, countWords(input) + countWords((body as { instructions?: unknown }).instructions));
      sequence += 1;
      return sendJson(res, 200, {
        id: `cmp_mock${sequence}`,
        object: 'response.compaction',
        created_at: Math.floor(Date.now() / 1000),
        output: [...kept, { id: `cmp_item${sequence}`, type: 'compaction', encrypted_content: `gAAAA-mock-compaction-${sequence}` }],
        usage: { input_tokens: inputTokens, input_tokens_details: { cached_tokens: 0 }, output_tokens: mockCompactionTokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: inputTokens + mockCompactionTokens },
      });
    }
    // vLLM's tokenizer, at the server's root: a chat request as its template renders it (here: each
    // message's words and 3 tokens of role markers, tools' JSON words, 3 for the generation prompt).
    if (request.method === 'POST' && path === '/tokenize' && !openRouter && !azure) {
      const messages = (body as { messages?: unknown } | undefined)?.messages;
      const prompt = (body as { prompt?: unknown } | undefined)?.prompt;
      if (!Array.isArray(messages) && typeof prompt !== 'string') return sendJson(res, 400, openAIError('Either `messages` or `prompt` is required.', 'BadRequestError'));
      const tools = (body as { tools?: unknown } | undefined)?.tools;
      const count = Array.isArray(messages)
        ? countWords(messages) + 3 * messages.length + (tools === undefined ? 0 : countWords(JSON.stringify(tools).replace(/[{}[\]":,]/g, ' '))) + ((body as { add_generation_prompt?: unknown }).add_generation_prompt === false ? 0 : 3)
        : countWords(prompt);
      return sendJson(res, 200, { count, max_model_len: 32_768, tokens: Array.from({ length: count }, (_, index) => 1_000 + index) });
    }
    const requestedModel = String((body as { model?: unknown } | undefined)?.model);
    // Codex models are served by the Responses API only.
    if (isChat && !openRouter && responsesOnlyModel.test(requestedModel)) {
      sendJson(res, 400, openAIError('This model is only supported in v1/responses and not in v1/chat/completions.', 'invalid_request_error', null, 'model'));
      return;
    }
    if (isCompletions && options.chatOnlyModels?.(requestedModel) === true) {
      sendJson(res, 404, openAIError('This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions?', 'invalid_request_error', null, 'model'));
      return;
    }
    // The Responses API renamed chat's fields, and says so.
    for (const [field, moved] of isResponses ? movedResponsesFields : []) {
      if ((body as Record<string, unknown>)[field] !== undefined) {
        sendJson(res, 400, openAIError(`Unsupported parameter: '${field}'. In the Responses API, this parameter has moved to '${moved}'.`, 'invalid_request_error', 'unsupported_parameter', field));
        return;
      }
    }
    const definedFields = isChat ? chatFields : isEmbeddings ? embeddingFields : isCompletions ? completionsFields : undefined;
    const unknownDefinedField = definedFields !== undefined && options.refuseUnknownFields === true ? Object.keys(body ?? {}).find((field) => !definedFields.has(field)) : undefined;
    if (unknownDefinedField !== undefined) {
      sendJson(res, 400, openAIError(`Unrecognized request argument supplied: ${unknownDefinedField}`, 'invalid_request_error'));
      return;
    }
    // OpenAI's own API (and Azure's): a tool call id of at most 40 characters.
    const longId = isChat && (options.refuseUnknownFields === true || azure) ? longToolCallId((body as { messages?: unknown }).messages) : undefined;
    if (longId !== undefined) {
      sendJson(res, 400, openAIError(`Invalid '${longId.param}': string too long. Expected a string with maximum length 40, but got a string with length ${longId.length} instead.`, 'invalid_request_error', 'string_above_max_length', longId.param));
      return;
    }
    // OpenAI's own API (and Azure's): each model its own efforts; its reasoning models no sampling settings, nor (but the newest) stop sequences.
    // Azure serves the model of the deployment in the path.
    const deployment = azure ? /^\/openai\/deployments\/([^/]+)\//.exec(rawPath)?.[1] : undefined;
    const served = deployment === undefined ? (body as Record<string, unknown>) : { ...(body as Record<string, unknown>), model: decodeURIComponent(deployment) };
    const modelRefusal = (options.refuseUnknownFields === true || azure) && !openRouter ? (isChat ? openAIChatRefusal : isResponses ? openAIResponsesRefusal : undefined)?.(served) : undefined;
    if (modelRefusal !== undefined) {
      sendJson(res, modelRefusal.status, modelRefusal.body);
      return;
    }
    const unknownField = isResponses ? Object.keys(body ?? {}).find((field) => !responsesFields.has(field)) : undefined;
    if (unknownField !== undefined) {
      sendJson(res, 400, openAIError(`Unknown parameter: '${unknownField}'.`, 'invalid_request_error', 'unknown_parameter', unknownField));
      return;
    }
    // A previous response must be one this upstream stored.
    const previous = isResponses ? (body as { previous_response_id?: unknown }).previous_response_id : undefined;
    if (typeof previous === 'string' && !storedResponses.has(previous)) {
      sendJson(res, 400, openAIError(`Previous response with id '${previous}' not found.`, 'invalid_request_error', 'previous_response_not_found', 'previous_response_id'));
      return;
    }
    const messagesProblem = isChat && !openRouter ? (chatToolsProblem(body as Record<string, unknown>) ?? chatMessagesProblem((body as { messages?: unknown }).messages)) : undefined;
    if (messagesProblem !== undefined) {
      sendJson(res, 400, openAIError(messagesProblem.message, 'invalid_request_error', messagesProblem.code ?? null, messagesProblem.param));
      return;
    }
    const most = isChat ? options.maxOutputTokens?.(requestedModel) : undefined;
    if (most !== undefined) {
      const chat = body as { max_tokens?: unknown; max_completion_tokens?: unknown };
      const field = chat.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
      const asked = Number(chat[field] ?? 0);
      if (asked > most) return sendJson(res, 400, openAIError(`${field} is too large: ${asked}. This model supports at most ${most} completion tokens, whereas you provided ${asked}.`, 'invalid_request_error', null, field));
    }
    const window = isChat ? options.contextLength?.(requestedModel) : undefined;
    if (window !== undefined) {
      const chat = body as { messages?: unknown; max_tokens?: unknown; max_completion_tokens?: unknown };
      const promptTokens = countWords(chat.messages);
      const outputTokens = Number(chat.max_completion_tokens ?? chat.max_tokens ?? 0) || 0;
      if (promptTokens + outputTokens > window) {
        sendJson(res, 400, openAIError(`This model's maximum context length is ${window} tokens. However, you requested ${promptTokens + outputTokens} tokens (${promptTokens} in the messages, ${outputTokens} in the completion). Please reduce the length of the messages or completion.`, 'invalid_request_error', 'context_length_exceeded', 'messages'));
        return;
      }
    }
    // OpenAI's reasoning models (o-series, GPT-5) refuse the deprecated `max_tokens`, before anything else.
    if (isChat && !openRouter && !azure && reasoningModel.test(String((body as { model?: unknown } | undefined)?.model)) && (body as { max_tokens?: unknown }).max_tokens !== undefined) {
      sendJson(res, 400, openAIError("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'invalid_request_error', 'unsupported_parameter', 'max_tokens'));
      return;
    }
    const reply: MockReply = isChat || isEmbeddings || isResponses || isCompletions || isRerank || isImages || isModerations || isTranscriptions || isSpeech ? (takeReply() ?? {}) : {};

    if (reply.delayMs !== undefined) await sleep(reply.delayMs);
    if (reply.hang === true) return; // the client's timeout or abort ends it
    if (reply.error !== undefined) {
      const status = reply.status ?? 400;
      const headers = status === 429 ? { 'retry-after': '1', 'x-ratelimit-remaining-requests': '0', ...reply.headers } : { ...reply.headers };
      const body = openRouter
        ? { error: { code: status, message: reply.error.message, ...(reply.error.metadata === undefined ? {} : { metadata: reply.error.metadata }) } }
        : openAIError(reply.error.message, reply.error.type, reply.error.code ?? null, reply.error.param ?? null);
      sendJson(res, status, body, headers);
      return;
    }
    if (reply.rawBody !== undefined) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.rawBody);
      return;
    }
    if (reply.body !== undefined) {
      sendJson(res, reply.status ?? 200, reply.body, reply.headers);
      return;
    }
    if (isModels) {
      const created = 1_700_000_000;
      if (openRouter) {
        // OpenRouter's catalog: prices in USD per token, as decimal strings; context and output limits.
        sendJson(res, 200, { data: (options.catalog ?? defaultOpenRouterCatalog).map((model) => openRouterModelCard(model, created)) });
        return;
      }
      sendJson(res, 200, { object: 'list', data: (options.models ?? ['gpt-4o-mini', 'text-embedding-3-small']).map((id) => ({ id, object: 'model', created, owned_by: 'system' })) });
      return;
    }
    if (isEmbeddings) {
      const inputs: unknown[] = Array.isArray(body?.input) && typeof body.input[0] !== 'number' ? body.input : [body?.input];
      const dimensions = typeof body?.dimensions === 'number' ? body.dimensions : 8;
      const base64 = body?.encoding_format === 'base64';
      const tokens = countWords(inputs.map(String));
      sendJson(res, reply.status ?? 200, {
        object: 'list',
        data: inputs.map((input, index) => {
          const vector = (options.embedding ?? mockEmbedding)(String(input), dimensions);
          return { object: 'embedding', index, embedding: base64 ? toBase64Floats(vector) : vector };
        }),
        model: body?.model ?? 'text-embedding-3-small',
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      }, reply.headers);
      return;
    }
    if (isResponses) {
      sequence += 1;
      if ((body as { store?: unknown }).store !== false) storedResponses.add(`resp_mock${sequence}`);
      await answerResponses(res, body as Record<string, any>, reply, sequence);
      return;
    }
    if (isRerank) {
      if (typeof body?.query !== 'string' || !Array.isArray(body?.documents)) {
        sendJson(res, 400, openAIError('`query` (a string) and `documents` (a list) are required.', 'invalid_request_error'));
        return;
      }
      sequence += 1;
      sendJson(res, 200, rerankAnswer(body as Record<string, any>, options.rerankShape ?? 'jina', `rerank-mock${sequence}`), reply.headers);
      return;
    }
    if (isSpeech) {
      const answer = speechAnswer(body as Record<string, any>);
      res.writeHead(answer.status, { 'content-type': answer.contentType, ...reply.headers });
      await writeMockStream(res, answer.pieces, reply.stream ?? {}, { errorEvent: `data: ${JSON.stringify(openAIError('The server had an error while processing your request.', 'server_error'))}\n\n` });
      return;
    }
    if (isTranscriptions) {
      const answer = await transcriptionAnswer(request.bodyBytes, String(request.headers['content-type'] ?? ''), path.endsWith('/translations') ? 'translate' : 'transcribe');
      if (answer.events !== undefined) {
        res.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-cache', ...reply.headers });
        await writeMockStream(res, answer.events, reply.stream ?? {}, { errorEvent: `data: ${JSON.stringify(openAIError('The server had an error while processing your request.', 'server_error'))}\n\n` });
        return;
      }
      res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body), ...reply.headers });
      res.end(answer.body);
      return;
    }
    if (isModerations) {
      sequence += 1;
      const answer = moderationAnswer(body as Record<string, any>, `modr-mock${sequence}`);
      sendJson(res, answer.status, answer.body, reply.headers);
      return;
    }
    if (isImages) {
      const answer = path === '/v1/images/edits' ? await imageEditAnswer(request.bodyBytes, String(request.headers['content-type'] ?? '')) : imagesAnswer(body as Record<string, any>);
      if (answer.events !== undefined) {
        res.writeHead(answer.status, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...reply.headers });
        await writeMockStream(res, answer.events, reply.stream ?? {}, { errorEvent: `event: error\ndata: ${JSON.stringify(openAIError('The server had an error while processing your request.', 'server_error'))}\n\n` });
        return;
      }
      sendJson(res, answer.status, answer.body, reply.headers);
      return;
    }
    if (isCompletions) {
      sequence += 1;
      await answerCompletions(res, { body: body as Record<string, any>, reply, id: `cmpl-mock${sequence}`, model: reply.model ?? (typeof body?.model === 'string' ? body.model : 'gpt-3.5-turbo-instruct') });
      return;
    }
    if (!isChat) {
      sendJson(res, 404, openAIError(`Invalid URL (${request.method} ${path})`, 'invalid_request_error'));
      return;
    }

    sequence += 1;
    const id = `chatcmpl-mock${sequence}`;
    const created = Math.floor(Date.now() / 1000);
    const model = reply.model ?? (typeof body?.model === 'string' ? body.model : 'gpt-4o-mini');
    const stops = typeof body?.stop === 'string' ? [body.stop] : Array.isArray(body?.stop) ? (body.stop as string[]) : [];
    const { text: content } = applyStopSequences(reply.content ?? `Mock answer to: ${lastUserText(body)}`, stops);
    // OpenRouter's image models draw when asked (`modalities` with `image`): a picture in `message.images`, its tokens counted apart.
    const images = openRouter && Array.isArray(body?.modalities) && body.modalities.includes('image') ? [{ type: 'image_url', image_url: { url: `data:image/png;base64,${openRouterMockImage}` } }] : [];
    const promptTokens = reply.usage?.prompt_tokens ?? Math.max(1, countWords(body?.messages));
    const completionTokens = reply.usage?.completion_tokens ?? countWords(content) + images.length * openRouterImageTokens;
    const counted = openAIUsage(promptTokens, completionTokens, reply.usage?.cached_tokens, reply.usage?.reasoning_tokens);
    const baseUsage = images.length === 0 ? counted : { ...counted, completion_tokens_details: { ...counted.completion_tokens_details, image_tokens: images.length * openRouterImageTokens } };
    // OpenRouter adds the cost it charged (here $1 per million prompt and $2 per million completion tokens).
    const serviceTier = reply.serviceTier ?? servedServiceTier(body?.service_tier);
    const usage = openRouter ? { ...baseUsage, cost: reply.usage?.cost ?? (promptTokens + 2 * completionTokens) / 1_000_000, is_byok: false } : baseUsage;

    if (body?.stream !== true) {
      if (openRouter) recordGeneration(id, model, promptTokens, completionTokens, reply.usage?.cost ?? (promptTokens + 2 * completionTokens) / 1_000_000, { streamed: false, cancelled: false });
      const completion = openAIChatCompletion({ id, created, model, content, ...(reply.toolCalls ? { toolCalls: reply.toolCalls } : {}), ...(reply.finishReason ? { finishReason: reply.finishReason } : {}), usage, serviceTier });
      sendJson(res, reply.status ?? 200, images.length === 0 ? completion : { ...completion, choices: [{ ...completion.choices[0]!, message: { ...completion.choices[0]!.message, images } }] }, reply.headers);
      return;
    }

    const includeUsage = body?.stream_options?.include_usage === true;
    const shape = reply.stream ?? {};
    const base = { id, created, model, includeUsage, serviceTier };
    const events: unknown[] = [openAIChunk({ ...base, delta: { role: 'assistant', content: '', refusal: null } })];
    for (const piece of shape.content ?? content.split(/(?<= )/)) events.push(openAIChunk({ ...base, delta: { content: piece } }));
    (shape.toolCalls ?? []).forEach((call, index) => {
      events.push(openAIChunk({ ...base, delta: { tool_calls: [{ index, id: call.id ?? `call_${index}_${id}`, type: 'function', function: { name: call.name, arguments: '' } }] } }));
      const pieces = Math.max(1, shape.argumentPieces ?? 3);
      const size = Math.ceil(call.arguments.length / pieces);
      for (let start = 0; start < call.arguments.length; start += size) {
        events.push(openAIChunk({ ...base, delta: { tool_calls: [{ index, function: { arguments: call.arguments.slice(start, start + size) } }] } }));
      }
    });
    events.push(openAIChunk({ ...base, delta: {}, finishReason: reply.finishReason ?? (shape.toolCalls?.length ? 'tool_calls' : 'stop') }));
    if (includeUsage) events.push(openAIChunk({ ...base, usage }));

    res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...reply.headers });
    if (openRouter) res.write(': OPENROUTER PROCESSING\n\n');
    if (azure) res.write(`data: ${JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } }] })}\n\n`);
    const failure = openRouter
      ? { id, object: 'chat.completion.chunk', created, model, provider: 'MockProvider', error: { code: 'server_error', message: 'Provider disconnected unexpectedly' }, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }] }
      : openAIError('The server had an error while processing your request.', 'server_error');
    // JSON holds no raw line feeds, so every `\n` of an event is framing.
    const frame = (text: string) => (shape.crlf === true ? text.replaceAll('\n', '\r\n') : text);
    const written = await writeMockStream(res, events.map((event) => frame(`data: ${JSON.stringify(event)}\n\n`)), shape, {
      errorEvent: frame(`data: ${JSON.stringify(failure)}\n\n${openRouter ? 'data: [DONE]\n\n' : ''}`),
      end: frame('data: [DONE]\n\n'),
      between: (index) => (openRouter && index > 0 && index % 3 === 0 ? ': OPENROUTER PROCESSING\n\n' : undefined),
    });
    if (openRouter) {
      // What it generated before the stream ended is what it bills: the words of the pieces written.
      const cancelled = written < events.length;
      const generated = cancelled ? countWords(events.slice(0, written).map((event) => (event as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? '').join('')) : completionTokens;
      recordGeneration(id, model, promptTokens, generated, reply.usage?.cost ?? (promptTokens + 2 * generated) / 1_000_000, { streamed: true, cancelled });
    }
  }

  const mock = await startMockServer<MockReply>(options.port, handle);
  return Object.assign(mock, { baseURL: `${mock.url}/v1` });
}
