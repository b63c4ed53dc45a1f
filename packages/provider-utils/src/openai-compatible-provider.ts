import {
  GatewayError,
  setJsonFields,
  spliceJsonFields,
  z,
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type EmbeddingRequest,
  type EmbeddingResponse,
  type Provider,
  type ProviderCallOptions,
  type ProviderChatResult,
  type ProviderEmbedResult,
  type ProviderError,
  type ProviderRerankResult,
  type ProviderImagesResult,
  type ProviderModerationResult,
  type ProviderTranscriptionResult,
  type ProviderByteStream,
  type TranscriptionRequest,
  type TranscriptionResponse,
  type ModerationRequest,
  type ImageGenerationRequest,
  type ProviderStream,
  type RerankRequest,
  type StreamSummary,
  type Logger,
  type WireFormat,
  transcriptionUsage,
  speechCharacters,
  speechMediaType,
  type SpeechRequest,
} from '@tollgate/core';
import { withoutCacheControl } from './cache-control.js';
import { DroppedFieldLog } from './dropped-field-log.js';
import { askedReasoning } from './asked-reasoning.js';
import { fitToOpenAIReasoningModel, type FittedReasoningRequest } from './fit-to-openai-reasoning-model.js';
import type { OpenAIReasoningParams } from './openai-reasoning-params.js';
import { cutAnswerAtStops, cutStreamAtStops, stopSequencesOf } from './stop-sequences.js';
import { openAIToolCallIds, withFittedToolCallIds } from './tool-call-ids.js';
import { withoutAssistantFields, withoutFields } from './openai-request-params.js';
import { toolFieldsWithoutTools } from './tool-fields-without-tools.js';
import { decodeOpenAICompatibleSse } from './decode-openai-compatible-sse.js';
import { HttpUpstream, type UpstreamBody } from './http-upstream.js';
import { parseUpstreamJson } from './parse-upstream-json.js';
import { isRerankResponse } from './rerank-answer.js';
import { imageEditForm } from './image-edit-form.js';
import { imageChatRequest, imagesAnswerOfChats } from './images-through-chat.js';
import { successfulCalls } from './successful-calls.js';
import { imageStreamUsage, isImagesResponse } from './images-answer.js';
import { isModerationResponse } from './moderation-answer.js';
import { isTranscriptionResponse, transcriptionForm } from './transcription-form.js';
import { tapUsageEventSse } from './tap-usage-event-sse.js';
import { speechAudio, speechUsage } from './speech-events.js';
import { decodeResponsesSse } from './decode-responses-sse.js';
import { chatCompletionOfCompaction, isCompactedResponse } from './compacted-response.js';
import { chatCompletionOfResponse, isResponseObject } from './responses-answer.js';
import { tapOpenAICompatibleSse } from './tap-openai-compatible-sse.js';
import { chatChunkTextKeys, completionChunkTextKeys } from './count-generated-text.js';
import { tapResponsesSse } from './tap-responses-sse.js';
import { chatCompletionOfTextCompletion, decodeTextCompletionSse, isTextCompletion } from './text-completion.js';
import { toResponsesRequest } from './to-responses-request.js';
import { toOpenAICompatibleError } from './to-openai-compatible-error.js';
import type { UpstreamErrorInput } from './upstream-error-input.js';
import type { ProviderTimeouts } from './upstream-timeouts-schema.js';

/** A `chat.completion`: `choices` with a `message` object each. A guard, not a schema: it runs on every answer. */
function isChatCompletion(value: unknown): boolean {
  const choices = (value as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) if (typeof choice?.message !== 'object' || choice.message === null) return false;
  const model = (value as { model?: unknown }).model;
  return model === undefined || typeof model === 'string';
}
const embeddingResponseSchema = z.looseObject({ data: z.array(z.unknown()), usage: z.looseObject({ prompt_tokens: z.number(), total_tokens: z.number() }) });

/** An endpoint of an OpenAI-compatible upstream, as a path below its base URL. */
export type UpstreamOperation = 'chat/completions' | 'completions' | 'embeddings' | 'rerank' | 'images/generations' | 'images/edits' | 'moderations' | 'audio/transcriptions' | 'audio/translations' | 'audio/speech' | 'responses' | 'responses/input_tokens' | 'responses/compact' | 'tokenize';

/** Calls an image request asked of chat completions may have in flight at once (one call per image). */
const imageCallsAtOnce = 4;

/** What an images answer must be, for the error when it is not. */
const imagesAnswerExpected = 'an images answer (`created` and a `data` list)';

/** The fields OpenAI's `POST /responses/input_tokens` takes of a Responses request. */
const inputTokenFields = ['model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'text', 'truncation'] as const;
const inputTokenCountSchema = z.looseObject({ input_tokens: z.number() });

/** What vLLM's `POST /tokenize` answers (the token ids too, unread). */
const tokenizeAnswerSchema = z.looseObject({ count: z.number().int().min(0) });

/** How an OpenAI-compatible upstream differs from OpenAI's own API. */
export interface OpenAICompatibleProviderInit {
  /** The provider instance name. */
  readonly name: string;
  readonly baseURL: string;
  readonly timeouts: ProviderTimeouts;
  readonly maxConnections?: number | undefined;
  /** Headers of every request (content type and authentication included). */
  readonly headers: Readonly<Record<string, string>>;
  /** A token got per request and sent as `Authorization: Bearer` (Vertex AI's Google access token, Azure's Entra ID token), over `headers`. */
  readonly bearerToken?: (() => Promise<string>) | undefined;
  /** Values that must never appear in an error: the provider's keys. */
  readonly secrets: readonly string[];
  readonly priceProvider?: string | undefined;
  /** The platform serving the models when not the vendor's own API (`gcp.vertex_ai`), for traces. */
  readonly platform?: string | undefined;
  /**
   * Models that refuse `max_tokens` and take `max_completion_tokens` (OpenAI's reasoning models): a
   * request's `max_tokens` — the client's, or the one a budget added — goes to them renamed.
   */
  readonly maxCompletionTokensOnly?: (model: string) => boolean;
  /** Ask for `stream_options.include_usage` (default true). */
  readonly requestUsageInStream?: boolean;
  /** The path of an operation for a model (default `/<operation>`): Azure puts the deployment in it. */
  readonly pathFor?: (operation: UpstreamOperation, model: string) => string;
  /**
   * Which of a client's chat request fields not to send (`paramDropper` of the `dropParams` option):
   * fields the upstream refuses, such as another server's extensions on a fallback to OpenAI's own API.
   * A target's `params` are the operator's and always sent.
   */
  readonly dropParam?: ((field: string) => boolean) | undefined;
  /** As `dropParam`, for the fields of the assistant messages in a chat request (what another API's answer added). */
  readonly dropMessageField?: ((field: string) => boolean) | undefined;
  /**
   * The upstream takes `reasoning_details` back in assistant messages (OpenRouter, whose field it is);
   * any other upstream gets them left out, whatever `dropParams` says: they are Claude's signed
   * thinking for a Claude target, no OpenAI-format server's to read.
   */
  readonly takesReasoningDetails?: boolean;
  /**
   * The upstream takes prompt caching marks (`cache_control`) in chat requests (OpenRouter, which
   * passes them to Claude); any other upstream gets a translated request's marks left out (an
   * OpenAI-format client's own bytes go as it sent them, unless `dropParam` drops `cache_control`).
   */
  readonly takesCacheControl?: boolean;
  /**
   * The upstream takes OpenRouter's `reasoning` object (OpenRouter, whose field it is). Any other
   * upstream gets it left out, its effort sent as `reasoning_effort` unless the client set one (where
   * `reasoningParams` is set, only as they fit it).
   */
  readonly takesReasoningObject?: boolean;
  /**
   * What each model takes of the reasoning and sampling settings (OpenAI's own API and Azure:
   * `openAIReasoningParams`): a chat request to a model it knows is fitted to it — the effort asked for
   * as the nearest the model takes, the settings it refuses left out (noted once each), and stop
   * sequences it refuses applied by the gateway to its answer. A model it does not know (undefined)
   * gets the request as sent, and no effort translated from another client's setting.
   */
  readonly reasoningParams?: (model: string) => OpenAIReasoningParams | undefined;
  /** As `dropParam`, for embeddings requests. */
  readonly dropEmbeddingParam?: ((field: string) => boolean) | undefined;
  /** Where the fields dropped are noted (debug, once each). */
  readonly logger?: Logger | undefined;
  /** Fields set over every request (OpenRouter's extensions); a target's params win over them. */
  readonly extraBody?: Readonly<Record<string, unknown>> | undefined;
  /** Drop SSE comment lines from passthrough streams. */
  readonly dropComments?: boolean;
  /** Drop chunks with empty `choices` and no usage from passthrough streams (Azure). */
  readonly dropEmptyChoices?: boolean;
  /** Treat a 200 answer whose JSON has a top-level `error` as an error (OpenRouter). */
  readonly errorsInsideAnswers?: boolean;
  /** Serves `/embeddings` (default true). */
  readonly embeddings?: boolean;
  /**
   * Serves a rerank API at `/rerank` (vLLM, SGLang, llama.cpp, Infinity, Jina's, Cohere's v2, Together's):
   * `/v1/rerank` requests go there as the client's bytes and come back as the upstream's.
   */
  readonly rerank?: boolean;
  /**
   * Serves OpenAI's Images API at `/images/generations` (OpenAI, Azure OpenAI, xAI, Together):
   * `/v1/images/generations` requests go there as the client's bytes and come back as the upstream's;
   * `/v1/images/edits` requests go to `/images/edits` as a form of the client's fields and images.
   */
  readonly images?: boolean;
  /**
   * Draws images for `/v1/images/generations` and `/edits` by asking chat completions for them, as
   * OpenRouter serves image models: `modalities: ["image", "text"]`, the answer's `message.images`
   * (one call per image asked for; the upstream's `usage.cost` kept).
   */
  readonly imagesThroughChat?: boolean;
  /** Serves OpenAI's moderation API at `/moderations`: `/v1/moderations` requests go there as the client's bytes. */
  readonly moderations?: boolean;
  /** Serves OpenAI's audio API at `/audio/transcriptions` (and `/audio/translations`): `/v1/audio/…` requests go there as a form of the client's fields and file. */
  readonly transcriptions?: boolean;
  /** Serves OpenAI's speech API at `/audio/speech`: `/v1/audio/speech` requests go there as the client's bytes, the audio back as it comes. */
  readonly speech?: boolean;
  /**
   * The models whose speech the upstream streams as events with their usage (`stream_format: "sse"`:
   * GPT-4o mini TTS on OpenAI's API): asked for them, and the audio decoded for a client that asked
   * for audio. Others' audio passes as it comes, billed by the characters read.
   */
  readonly speechEvents?: (model: string) => boolean;
  /** Maps an error answer or error event (default: OpenAI's error shape). */
  readonly toError?: (input: UpstreamErrorInput) => ProviderError;
  /**
   * The upstream also serves OpenAI's Responses API at `/responses` (OpenAI's own API; vLLM): a
   * Responses client is passed through to it, so what only that API has (Responses-only models,
   * reasoning items with their encrypted content) reaches the model.
   */
  readonly responsesAPI?: boolean;
  /**
   * The upstream serves OpenAI's legacy completions at `/completions` (vLLM, SGLang, Ollama, llama.cpp,
   * OpenRouter; OpenAI's own for its instruct models): a `/v1/completions` client is passed through to
   * it, so what only that API has (`suffix` for fill-in-the-middle, `echo`, `logprobs`, several prompts)
   * reaches the model. Otherwise the prompt is translated to a chat request.
   */
  readonly completionsAPI?: boolean;
  /** Of the models, those the upstream serves at `/completions` when not all (OpenAI's instruct models); the others are sent a chat request. */
  readonly completionsModel?: ((model: string) => boolean) | undefined;
  /**
   * Models the upstream serves through the Responses API only (OpenAI's Codex models): any client's
   * request to one is translated to a Responses request and its answer back.
   */
  readonly responsesOnly?: (model: string) => boolean;
  /**
   * The upstream counts a request's input tokens at `/responses/input_tokens` (OpenAI's own API): an
   * Anthropic client's `count_tokens` (Claude Code's, before it compacts) is answered there.
   */
  readonly countsInputTokens?: boolean;
  /**
   * The server tokenizes a chat request at `/tokenize` beside its API (vLLM's, at its root): an
   * Anthropic client's `count_tokens` is answered with the count of the request as the model's chat
   * template renders it, tools and the generation prompt included.
   */
  readonly tokenizeAPI?: boolean;
}

/** The top-level `error` of a JSON body, if it is JSON and has one. */
function errorFieldOf(bytes: Buffer): unknown {
  try {
    return (JSON.parse(bytes.toString('utf8')) as { error?: unknown }).error;
  } catch {
    return undefined; // not JSON: parseUpstreamJson names the problem
  }
}

/**
 * A provider for an upstream that speaks OpenAI's chat completions: OpenAI itself, Azure OpenAI,
 * OpenRouter, vLLM, SGLang, Ollama… One keep-alive pool per connect timeout; the client's body goes
 * upstream unchanged when nothing changes (same model, usage already asked for, no extra fields); JSON
 * answers and streams pass through as bytes (usage tapped) to OpenAI clients, or are decoded for
 * hooks and other wire formats.
 */
export class OpenAICompatibleProvider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = 'openai';
  readonly passthroughWires: readonly WireFormat[] | undefined;
  readonly name: string;
  readonly priceProvider: string | undefined;
  readonly platform: string | undefined;
  readonly #init: OpenAICompatibleProviderInit;
  readonly #upstream: HttpUpstream;
  readonly #requestUsage: boolean;
  readonly #toError: (input: UpstreamErrorInput) => ProviderError;
  readonly #droppedFields: DroppedFieldLog | undefined;
  /** Where the settings a model does not take are noted (debug, once each). */
  readonly #unfitFields: DroppedFieldLog | undefined;
  /** A client's own cache marks are left out (`dropParams` drops `cache_control`, and the upstream takes none). */
  readonly #dropsClientMarks: boolean;
  /** Which assistant message fields are left out (see `#messagesToSend`). */
  readonly #dropMessageField: (field: string) => boolean;
  /** Counts a request's input tokens upstream; only where the upstream can (`countsInputTokens`). */
  readonly doCountTokens?: (request: ChatCompletionRequest, options: ProviderCallOptions) => Promise<{ readonly inputTokens: number }>;
  /** Ranks documents at the upstream's `/rerank`; only where it serves one (`rerank`). */
  readonly doRerank?: (request: RerankRequest, options: ProviderCallOptions) => Promise<ProviderRerankResult>;
  /** Generates images at the upstream's `/images/generations`; only where it serves them (`images`). */
  readonly doGenerateImages?: (request: ImageGenerationRequest, options: ProviderCallOptions) => Promise<ProviderImagesResult>;
  /** Streams an image generation from the same endpoint (`stream: true`); where `images` is on. */
  readonly doGenerateImagesStream?: (request: ImageGenerationRequest, options: ProviderCallOptions) => Promise<ProviderByteStream>;
  /** Classifies an input at the upstream's `/moderations`; only where it serves them (`moderations`). */
  readonly doModerate?: (request: ModerationRequest, options: ProviderCallOptions) => Promise<ProviderModerationResult>;
  /** Transcribes audio at the upstream's `/audio/transcriptions`; only where it serves them (`transcriptions`). */
  readonly doTranscribe?: (request: TranscriptionRequest, options: ProviderCallOptions) => Promise<ProviderTranscriptionResult>;
  /** Streams a transcription from the same endpoint (`stream=true`); where `transcriptions` is on. */
  readonly doTranscribeStream?: (request: TranscriptionRequest, options: ProviderCallOptions) => Promise<ProviderByteStream>;
  /** Reads a text aloud at the upstream's `/audio/speech`; where `speech` is on. */
  readonly doSpeech?: (request: SpeechRequest, options: ProviderCallOptions) => Promise<ProviderByteStream>;

  constructor(init: OpenAICompatibleProviderInit) {
    this.name = init.name;
    this.priceProvider = init.priceProvider;
    this.platform = init.platform;
    this.#init = init;
    this.#upstream = new HttpUpstream({ provider: init.name, baseURL: init.baseURL, timeouts: init.timeouts, maxConnections: init.maxConnections });
    this.#requestUsage = init.requestUsageInStream ?? true;
    this.#toError = init.toError ?? toOpenAICompatibleError;
    const wires: WireFormat[] = [];
    if (init.responsesAPI === true) wires.push('openai-responses', 'openai-responses-compact');
    if (init.completionsAPI === true) wires.push('openai-completions');
    this.passthroughWires = wires.length === 0 ? undefined : wires;
    if (init.countsInputTokens === true) this.doCountTokens = (request, options) => this.#countInputTokens(request, options);
    else if (init.tokenizeAPI === true) this.doCountTokens = (request, options) => this.#tokenize(request, options);
    if (init.rerank === true) this.doRerank = (request, options) => this.#rerank(request, options);
    if (init.imagesThroughChat === true) this.doGenerateImages = (request, options) => this.#imagesThroughChat(request, options);
    if (init.images === true) {
      this.doGenerateImages = (request, options) => this.#generateImages(request, options);
      this.doGenerateImagesStream = (request, options) => this.#generateImagesStream(request, options);
    }
    if (init.moderations === true) this.doModerate = (request, options) => this.#moderate(request, options);
    if (init.transcriptions === true) {
      this.doTranscribe = (request, options) => this.#transcribe(request, options);
      this.doTranscribeStream = (request, options) => this.#transcribeStream(request, options);
    }
    if (init.speech === true) this.doSpeech = (request, options) => this.#speech(request, options);
    const dropMessageField = init.dropMessageField;
    const keepDetails = init.takesReasoningDetails === true;
    this.#dropMessageField = (field) => (field === 'reasoning_details' && !keepDetails) || dropMessageField?.(field) === true;
    this.#dropsClientMarks = init.takesCacheControl !== true && init.dropParam?.('cache_control') === true;
    this.#unfitFields = init.reasoningParams === undefined || init.logger === undefined ? undefined : new DroppedFieldLog([], init.logger, init.name, `Request field the model does not take; dropped (stop sequences applied by the gateway)`);
    this.#droppedFields = (init.dropParam === undefined && init.dropEmbeddingParam === undefined) || init.logger === undefined ? undefined : new DroppedFieldLog([], init.logger, init.name, `Request field provider "${init.name}" does not take (dropParams); dropped`);
  }

  /** The upstream's origin (for traces). */
  get origin(): string {
    return this.#upstream.origin;
  }

  /** Every model takes the wires the upstream serves, but the legacy completions wire only the `completionsModel` ones. */
  takesWire(wire: WireFormat, model: string): boolean {
    return wire !== 'openai-completions' || (this.#init.completionsModel?.(model) ?? true);
  }

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    if (options.passthroughWire === 'openai-completions') {
      const bytes = await (await this.#post('completions', this.#completionsBody(request, options, false), options, false)).bytes();
      this.#throwErrorInsideAnswer(bytes);
      const response = chatCompletionOfTextCompletion(parseUpstreamJson(bytes, isTextCompletion, { provider: this.name, expected: 'a text_completion' }));
      return options.passthrough ? { response, body: bytes } : { response };
    }
    if (options.passthroughWire === 'openai-responses-compact') {
      // OpenAI's compaction: the client's bytes to `/responses/compact`, its answer back as it came (the compaction item is OpenAI's, encrypted).
      const bytes = await (await this.#post('responses/compact', this.#clientBytes(request, options), options, false)).bytes();
      const compacted = parseUpstreamJson(bytes, isCompactedResponse, { provider: this.name, expected: 'a compacted conversation (`response.compaction`)' }) as Record<string, unknown>;
      return { response: chatCompletionOfCompaction(compacted, options.model), body: bytes };
    }
    const passedThrough = options.passthroughWire === 'openai-responses';
    if (passedThrough) {
      const bytes = await (await this.#post('responses', this.#clientBytes(request, options), options, false)).bytes();
      const response = chatCompletionOfResponse(parseUpstreamJson(bytes, isResponseObject, { provider: this.name, expected: 'a Responses API response' }) as Record<string, unknown>);
      return options.passthrough ? { response, body: bytes } : { response };
    }
    const fitted = this.#fitToModel(request, options.model);
    if (this.#init.responsesOnly?.(options.model) === true) {
      const bytes = await (await this.#post('responses', JSON.stringify(toResponsesRequest(fitted?.request ?? request, options.model)), options, false)).bytes();
      const response = chatCompletionOfResponse(parseUpstreamJson(bytes, isResponseObject, { provider: this.name, expected: 'a Responses API response' }) as Record<string, unknown>);
      // The Responses API has no stop sequences: the gateway applies them.
      return { response: cutAnswerAtStops(response, stopSequencesOf(request.stop)) };
    }
    const body = await this.#post('chat/completions', this.#chatBody(request, options, false, fitted), options, false);
    const bytes = await body.bytes();
    this.#throwErrorInsideAnswer(bytes);
    const response = parseUpstreamJson(bytes, isChatCompletion, { provider: this.name, expected: 'a chat.completion' }) as ChatCompletionResponse;
    const cut = fitted === undefined ? response : cutAnswerAtStops(response, fitted.stops);
    if (cut !== response) return { response: cut };
    return options.passthrough ? { response, body: bytes } : { response };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    const toStreamError = (data: string) => this.#toError({ provider: this.name, status: 502, headers: {}, bodyText: data, secrets: this.#init.secrets });
    if (options.passthroughWire === 'openai-responses-compact') {
      throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'OpenAI compacts a conversation in one answer: send the request without `stream`.', { param: 'stream' });
    }
    if (options.passthroughWire === 'openai-responses') {
      const body = await this.#post('responses', this.#clientBytes(request, options), options, true);
      // The client's bytes went as they are; a hook that reads the answer gets it decoded.
      if (!options.passthrough) return { type: 'chunks', chunks: decodeResponsesSse(body, { provider: this.name, toStreamError }) };
      const summary: StreamSummary = { usage: undefined, model: undefined };
      return { type: 'bytes', body: tapResponsesSse(body, { summary, provider: this.name, toStreamError }), summary };
    }
    const legacy = options.passthroughWire === 'openai-completions';
    const fitted = legacy ? undefined : this.#fitToModel(request, options.model);
    if (this.#init.responsesOnly?.(options.model) === true) {
      const body = await this.#post('responses', JSON.stringify(toResponsesRequest(fitted?.request ?? request, options.model)), options, true);
      // The Responses API has no stop sequences: the gateway applies them.
      const stops = stopSequencesOf(request.stop);
      const chunks = decodeResponsesSse(body, { provider: this.name, toStreamError });
      return { type: 'chunks', chunks: stops.length === 0 ? chunks : cutStreamAtStops(chunks, stops) };
    }
    const body = legacy
      ? await this.#post('completions', this.#completionsBody(request, options, true), options, true)
      : await this.#post('chat/completions', this.#chatBody(request, options, true, fitted), options, true);
    // Stop sequences the model does not take: the gateway cuts the decoded stream at them.
    if (fitted !== undefined && fitted.stops.length > 0) return { type: 'chunks', chunks: cutStreamAtStops(decodeOpenAICompatibleSse(body, { provider: this.name, toStreamError }), fitted.stops) };
    if (!options.passthrough) return { type: 'chunks', chunks: (legacy ? decodeTextCompletionSse : decodeOpenAICompatibleSse)(body, { provider: this.name, toStreamError }) };
    const summary: StreamSummary = { usage: undefined, model: undefined };
    const dropUsageEvent = request.stream_options?.include_usage !== true && this.#requestUsage;
    const tapped = tapOpenAICompatibleSse(body, {
      summary,
      dropUsageEvent,
      dropComments: this.#init.dropComments ?? false,
      dropEmptyChoices: this.#init.dropEmptyChoices ?? false,
      provider: this.name,
      toStreamError,
      textKeys: legacy ? completionChunkTextKeys : chatChunkTextKeys,
    });
    return { type: 'bytes', body: tapped, summary };
  }

  async doEmbed(request: EmbeddingRequest, options: ProviderCallOptions): Promise<ProviderEmbedResult> {
    if (this.#init.embeddings === false) {
      throw new GatewayError('TOLLGATE_UNSUPPORTED_OPERATION', `Provider "${this.name}" does not serve embeddings; route embedding models elsewhere.`, { param: 'model' });
    }
    const dropped = this.#init.dropEmbeddingParam === undefined ? undefined : this.#fieldsToDrop(request, this.#init.dropEmbeddingParam);
    const payload =
      options.rawBody !== undefined && request.model === options.model && dropped === undefined
        ? options.rawBody
        : JSON.stringify({ ...withoutFields(request, dropped), model: options.model });
    const body = await this.#post('embeddings', payload, options, false);
    const bytes = await body.bytes();
    const response = parseUpstreamJson(bytes, embeddingResponseSchema, { provider: this.name, expected: 'an embeddings list' }) as EmbeddingResponse;
    return options.passthrough ? { response, body: bytes } : { response };
  }

  async close(): Promise<void> {
    await this.#upstream.close();
  }

  /** A rerank request as the client sent it, and the upstream's answer. */
  #rerank(request: RerankRequest, options: ProviderCallOptions): Promise<ProviderRerankResult> {
    return this.#passWhole('rerank', request, options, isRerankResponse, 'a rerank answer (`results` with an `index` and a `relevance_score` each)') as Promise<ProviderRerankResult>;
  }

  /**
   * An image request as the client sent it (a generation's bytes, or an edit's form with its images),
   * and the upstream's answer (its bytes passed on: images are large).
   */
  async #generateImages(request: ImageGenerationRequest, options: ProviderCallOptions): Promise<ProviderImagesResult> {
    if (request.task !== 'edit') return this.#passWhole('images/generations', request, options, isImagesResponse, imagesAnswerExpected) as Promise<ProviderImagesResult>;
    const bytes = await (await this.#postImageEdit(request, options, false)).bytes();
    const response = parseUpstreamJson(bytes, isImagesResponse, { provider: this.name, expected: imagesAnswerExpected }) as ProviderImagesResult['response'];
    return options.passthrough ? { response, body: bytes } : { response };
  }

  /**
   * A streamed image generation or edit as the client sent it: its events passed through as they come,
   * the usage of the last one (`image_generation.completed`, `image_edit.completed`) tapped.
   */
  async #generateImagesStream(request: ImageGenerationRequest, options: ProviderCallOptions): Promise<ProviderByteStream> {
    const edit = request.task === 'edit';
    const answer = edit ? await this.#postImageEdit(request, options, true) : await this.#post('images/generations', this.#clientPayload(request, options), options, true);
    const summary: StreamSummary = { usage: undefined, model: undefined };
    const toStreamError = (data: string) => this.#toError({ provider: this.name, status: 502, headers: {}, bodyText: data, secrets: this.#init.secrets });
    const finalEvent = edit ? 'image_edit.completed' : 'image_generation.completed';
    const body = tapUsageEventSse(answer, { summary, provider: this.name, finalEvent, usageOf: imageStreamUsage, toStreamError });
    return { body, contentType: String(answer.headers['content-type'] ?? 'text/event-stream; charset=utf-8'), summary };
  }

  /** Images asked of chat completions (`imagesThroughChat`): one call per image, at most four at a time, the answers (of the calls that succeeded) made one images answer. */
  async #imagesThroughChat(request: ImageGenerationRequest, options: ProviderCallOptions): Promise<ProviderImagesResult> {
    // Built from the canonical request (its raw bytes are an images request's): the provider's extra fields and a target's params added.
    const body = this.#chatBody(imageChatRequest(request, options.model), { ...options, rawBody: undefined }, false);
    // A call that drew its image was paid for: kept when another fails.
    const answers = await successfulCalls(request.n ?? 1, imageCallsAtOnce, async () => {
      const bytes = await (await this.#post('chat/completions', body, options, false)).bytes();
      this.#throwErrorInsideAnswer(bytes);
      return parseUpstreamJson(bytes, isChatCompletion, { provider: this.name, expected: 'a chat.completion' }) as ChatCompletionResponse;
    });
    return { response: imagesAnswerOfChats(answers) };
  }

  /** Posts an image edit's form (the client's fields, the routed model, the images) to the upstream. */
  #postImageEdit(request: ImageGenerationRequest, options: ProviderCallOptions, stream: boolean): Promise<UpstreamBody> {
    return this.#postForm('images/edits', imageEditForm(request, options.model), options, stream);
  }

  /** Posts a multipart form, encoded with its boundary in the content type. */
  async #postForm(operation: UpstreamOperation, form: FormData, options: ProviderCallOptions, stream: boolean): Promise<UpstreamBody> {
    const encoded = new Response(form);
    const payload = new Uint8Array(await encoded.arrayBuffer());
    return this.#post(operation, payload, options, stream, encoded.headers.get('content-type')!);
  }

  /** A moderation request as the client sent it, and the upstream's answer. */
  #moderate(request: ModerationRequest, options: ProviderCallOptions): Promise<ProviderModerationResult> {
    return this.#passWhole('moderations', request, options, isModerationResponse, 'a moderation answer (`results`, each with `flagged`)') as Promise<ProviderModerationResult>;
  }

  /**
   * A request sent as the client sent it (its bytes, with the routed model for an alias) to
   * `operation`, and the upstream's JSON answer, checked by `isAnswer`: decoded, with its bytes where
   * they pass through.
   */
  async #passWhole(operation: UpstreamOperation, request: { readonly model: string }, options: ProviderCallOptions, isAnswer: (value: unknown) => boolean, expected: string): Promise<{ response: unknown; body?: Uint8Array }> {
    const bytes = await (await this.#post(operation, this.#clientPayload(request, options), options, false)).bytes();
    const response = parseUpstreamJson(bytes, isAnswer, { provider: this.name, expected });
    return options.passthrough ? { response, body: bytes } : { response };
  }

  /**
   * A transcription request as a form again (the client's fields, the routed model, the audio), and the
   * upstream's answer: JSON (`json`, `verbose_json`), or the plain text of `text`, `srt` and `vtt`,
   * passed on as its bytes with its media type either way.
   */
  async #transcribe(request: TranscriptionRequest, options: ProviderCallOptions): Promise<ProviderTranscriptionResult> {
    const answer = await this.#postTranscription(request, options, false);
    const bytes = await answer.bytes();
    const contentType = String(answer.headers['content-type'] ?? 'application/json');
    return { response: this.#transcriptionOf(bytes, contentType), body: bytes, contentType };
  }

  /**
   * A streamed transcription: the upstream's events passed through as they come, its usage tapped from
   * `transcript.text.done`. An upstream that does not stream (Whisper ignores `stream`) answers whole:
   * its answer is passed on as one piece, its usage read from it.
   */
  async #transcribeStream(request: TranscriptionRequest, options: ProviderCallOptions): Promise<ProviderByteStream> {
    const answer = await this.#postTranscription(request, options, true);
    const contentType = String(answer.headers['content-type'] ?? 'application/json');
    const summary: StreamSummary = { usage: undefined, model: undefined };
    if (contentType.includes('event-stream')) {
      const toStreamError = (data: string) => this.#toError({ provider: this.name, status: 502, headers: {}, bodyText: data, secrets: this.#init.secrets });
      const usageOf = (event: Record<string, any>) => transcriptionUsage(event.usage, undefined);
      return { body: tapUsageEventSse(answer, { summary, provider: this.name, finalEvent: 'transcript.text.done', usageOf, toStreamError }), contentType, summary };
    }
    const bytes = await answer.bytes();
    const response = this.#transcriptionOf(bytes, contentType);
    summary.usage = transcriptionUsage(response.usage, typeof response.duration === 'number' ? response.duration : request.file.durationSeconds);
    return { body: (async function* whole() { yield bytes; })(), contentType, summary };
  }

  /**
   * Speech. For a model the upstream streams as events (`speechEvents`), the events are asked for and
   * their usage read: passed on as they are to a client that asked for them, else as the audio they
   * carry. Any other model's answer passes as it comes, billed by the characters read (`tts-1`).
   */
  async #speech(request: SpeechRequest, options: ProviderCallOptions): Promise<ProviderByteStream> {
    const summary: StreamSummary = { usage: undefined, model: undefined };
    const clientWantsEvents = request.stream_format === 'sse';
    if (this.#init.speechEvents?.(options.model) !== true) {
      const answer = await this.#post('audio/speech', this.#clientPayload(request, options), options, clientWantsEvents);
      summary.usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, input_characters: speechCharacters(request) };
      return { body: answer, contentType: String(answer.headers['content-type'] ?? speechMediaType(request)), summary };
    }
    const answer = await this.#post('audio/speech', this.#clientPayload(request, options, clientWantsEvents ? undefined : { stream_format: 'sse' }), options, true);
    const toStreamError = (data: string) => this.#toError({ provider: this.name, status: 502, headers: {}, bodyText: data, secrets: this.#init.secrets });
    const tapped = { summary, provider: this.name, finalEvent: 'speech.audio.done', usageOf: speechUsage, toStreamError };
    return {
      body: tapUsageEventSse(answer, clientWantsEvents ? tapped : { ...tapped, bytesOf: speechAudio }),
      contentType: clientWantsEvents ? 'text/event-stream; charset=utf-8' : speechMediaType(request),
      summary,
    };
  }

  /** Posts a transcription's form (or a translation's) to the upstream. */
  #postTranscription(request: TranscriptionRequest, options: ProviderCallOptions, stream: boolean): Promise<UpstreamBody> {
    return this.#postForm(request.task === 'translate' ? 'audio/translations' : 'audio/transcriptions', transcriptionForm(request, options.model), options, stream);
  }

  /** A transcription answer's body: JSON (`json`, `verbose_json`), else the plain text of `text`, `srt` or `vtt`. */
  #transcriptionOf(bytes: Buffer, contentType: string): TranscriptionResponse {
    return contentType.includes('json')
      ? (parseUpstreamJson(bytes, isTranscriptionResponse, { provider: this.name, expected: 'a transcription (`text`)' }) as TranscriptionResponse)
      : { text: bytes.toString('utf8') };
  }

  /** The request as the Responses API takes it, less what the counting endpoint does not take, counted upstream. */
  async #countInputTokens(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<{ inputTokens: number }> {
    const translated = toResponsesRequest(request, options.model);
    const counted: Record<string, unknown> = {};
    for (const field of inputTokenFields) if (translated[field] !== undefined) counted[field] = translated[field];
    const answer = await this.#post('responses/input_tokens', JSON.stringify(counted), options, false);
    const parsed = parseUpstreamJson(await answer.bytes(), inputTokenCountSchema, { provider: this.name, expected: 'an input token count' }) as { input_tokens: number };
    return { inputTokens: parsed.input_tokens };
  }

  /** The request's messages and tools as the chat template renders them, with the generation prompt, counted by the server's tokenizer. */
  async #tokenize(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<{ inputTokens: number }> {
    const body = { model: options.model, messages: this.#messagesToSend(request), ...(request.tools === undefined ? {} : { tools: request.tools }), add_generation_prompt: true };
    const answer = await this.#post('tokenize', JSON.stringify(body), options, false);
    const parsed = parseUpstreamJson(await answer.bytes(), tokenizeAnswerSchema, { provider: this.name, expected: 'a token count (`count`)' }) as { count: number };
    return { inputTokens: parsed.count };
  }

  /**
   * The client's bytes when nothing needs to change, or when only `stream_options` must be added (most
   * streaming clients leave it out): spliced in, not re-encoded. Else the request re-encoded.
   */
  #chatBody(clientRequest: ChatCompletionRequest, options: ProviderCallOptions, stream: boolean, fitted?: FittedReasoningRequest): Uint8Array | string {
    const chatRequest = fitted?.request ?? clientRequest;
    // A translated request (a Claude Code turn to an OpenAI-format model) carries the client's cache
    // marks; an OpenAI client's own marks (Cline's, for Claude) go unless `dropParams` drops them.
    const request = options.rawBody === undefined ? (this.#init.takesCacheControl === true ? chatRequest : withoutCacheControl(chatRequest)) : this.#withoutClientMarks(chatRequest);
    const extra = this.#init.extraBody;
    const addUsage = stream && this.#requestUsage && request.stream_options?.include_usage !== true;
    const renameLimit = request.max_tokens != null && request.max_completion_tokens == null && this.#init.maxCompletionTokensOnly?.(options.model) === true;
    const dropped = this.#fieldsNotToSend(request);
    const messages = this.#messagesToSend(request);
    const reasoning = request.reasoning === undefined || this.#init.takesReasoningObject === true ? undefined : this.#reasoningAsEffort(request, options.model);
    if (options.rawBody !== undefined && request === clientRequest && request.model === options.model && extra === undefined && !renameLimit && dropped === undefined && messages === request.messages && reasoning === undefined) {
      if (!addUsage) return options.rawBody;
      if (request.stream_options === undefined) {
        const spliced = spliceJsonFields(options.rawBody, { stream_options: { include_usage: true } });
        if (spliced !== undefined) return spliced;
      }
    }
    return JSON.stringify({
      ...withoutFields(request, dropped),
      ...(messages === request.messages ? {} : { messages }),
      ...reasoning,
      ...extra,
      ...(extra === undefined ? {} : options.targetParams),
      model: options.model,
      ...(addUsage ? { stream_options: { ...request.stream_options, include_usage: true } } : {}),
      // JSON leaves out an undefined field: `max_tokens` goes, under its new name.
      ...(renameLimit ? { max_tokens: undefined, max_completion_tokens: request.max_tokens } : {}),
    });
  }

  /**
   * OpenRouter's `reasoning` object, which no other OpenAI-format server defines (OpenAI's API refuses
   * it), left out (JSON leaves out an undefined field), and its effort as `reasoning_effort` when the
   * client set none and the model takes one.
   */
  #reasoningAsEffort(request: ChatCompletionRequest, model: string): { reasoning: undefined; reasoning_effort?: string } {
    const effort = askedReasoning(request)?.effort;
    // Where the models' settings are known, a fitted request has no object left; a model not known gets no effort.
    const setEffort = effort !== undefined && request.reasoning_effort == null && this.#init.reasoningParams === undefined;
    return setEffort ? { reasoning: undefined, reasoning_effort: effort } : { reasoning: undefined };
  }

  /** `request` fitted to what `model` takes (`reasoningParams`), what it does not take noted; undefined where the upstream's models are not known. */
  #fitToModel(request: ChatCompletionRequest, model: string): FittedReasoningRequest | undefined {
    const params = this.#init.reasoningParams?.(model);
    if (params === undefined) return undefined;
    const fitted = fitToOpenAIReasoningModel(request, params);
    for (const field of fitted.dropped) this.#unfitFields?.note(`${field} (${model})`);
    return fitted;
  }

  /** A client's chat request without its cache marks when `dropParams` drops them (noted once); else the same request. */
  #withoutClientMarks(request: ChatCompletionRequest): ChatCompletionRequest {
    if (!this.#dropsClientMarks) return request;
    const unmarked = withoutCacheControl(request);
    if (unmarked !== request) this.#droppedFields?.note('cache_control');
    return unmarked;
  }

  /**
   * The request's messages without the assistant message fields `dropParams` leaves out, nor Claude's
   * `reasoning_details` for an upstream that does not take them (noted once each), and with tool call
   * ids that fit OpenAI's 40 characters; the same array when nothing changes.
   */
  #messagesToSend(request: ChatCompletionRequest): ChatCompletionRequest['messages'] {
    if (!Array.isArray(request.messages)) return request.messages;
    const { messages, dropped } = withoutAssistantFields(request.messages, this.#dropMessageField);
    for (const field of dropped) this.#droppedFields?.note(`messages[].${field}`);
    // Another model's tool call ids past OpenAI's 40 characters (Gemini's signed ones) go shortened.
    return withFittedToolCallIds(messages, openAIToolCallIds);
  }

  /** The fields of a chat request not to send: what `dropParams` leaves out (noted in the log), and tool fields without tools (`toolFieldsWithoutTools`); undefined when none. */
  #fieldsNotToSend(request: ChatCompletionRequest): string[] | undefined {
    const dropped = this.#init.dropParam === undefined ? undefined : this.#fieldsToDrop(request, this.#init.dropParam);
    const toolless = toolFieldsWithoutTools(request);
    return toolless === undefined ? dropped : dropped === undefined ? toolless : [...dropped, ...toolless];
  }

  /** The fields of `request` not to send, noted in the log; undefined when none. */
  #fieldsToDrop(request: ChatCompletionRequest | EmbeddingRequest, dropParam: (field: string) => boolean): string[] | undefined {
    let dropped: string[] | undefined;
    for (const field in request) {
      if ((request as unknown as Record<string, unknown>)[field] !== undefined && dropParam(field)) (dropped ??= []).push(field);
    }
    if (dropped !== undefined) for (const field of dropped) this.#droppedFields?.note(field);
    return dropped;
  }

  /**
   * A legacy completions client's bytes, with the routed model in place of the one it asked for, usage
   * asked for on a stream, and the provider's extra fields (a target's params over them).
   */
  #completionsBody(request: ChatCompletionRequest, options: ProviderCallOptions, stream: boolean): Uint8Array | string {
    const extra = this.#init.extraBody;
    const addUsage = stream && this.#requestUsage && request.stream_options?.include_usage !== true;
    const raw = options.rawBody!;
    if (request.model === options.model && extra === undefined) {
      if (!addUsage) return raw;
      const spliced = request.stream_options === undefined ? spliceJsonFields(raw, { stream_options: { include_usage: true } }) : undefined;
      if (spliced !== undefined) return spliced;
    }
    const fields = {
      ...extra,
      ...(extra === undefined ? {} : options.targetParams),
      ...(request.model === options.model ? {} : { model: options.model }),
      ...(addUsage ? { stream_options: { ...request.stream_options, include_usage: true } } : {}),
    };
    // The ingress takes JSON objects only, so the bytes are one.
    return setJsonFields(raw, fields)!;
  }

  /** An answer with a 200 status that is an error (OpenRouter's `{"error":…}`), thrown as one. */
  #throwErrorInsideAnswer(bytes: Buffer): void {
    if (this.#init.errorsInsideAnswers === true && bytes.includes('"error"') && errorFieldOf(bytes) != null) {
      throw this.#toError({ provider: this.name, status: 502, headers: {}, bodyText: bytes.toString('utf8'), secrets: this.#init.secrets });
    }
  }

  /** The client's bytes (a Responses, rerank, images or moderation request), with the routed model in place of the one it asked for (an alias). */
  #clientBytes(request: { readonly model: string }, options: ProviderCallOptions): Uint8Array | string {
    const raw = options.rawBody!;
    // The ingress takes JSON objects only, so the bytes are one.
    return request.model === options.model ? raw : setJsonFields(raw, { model: options.model })!;
  }

  /**
   * A request as the client sent it: its bytes, with the routed model for an alias and `fields` set;
   * encoded whole where there are none to send (a hook replaced the request).
   */
  #clientPayload(request: { readonly model: string }, options: ProviderCallOptions, fields?: Readonly<Record<string, unknown>>): Uint8Array | string {
    if (options.rawBody === undefined) return JSON.stringify({ ...request, model: options.model, ...fields });
    return fields === undefined ? this.#clientBytes(request, options) : setJsonFields(options.rawBody, { model: options.model, ...fields })!;
  }

  /** Posts `body` to the upstream's `operation`, as JSON unless a `contentType` says otherwise (a transcription's form). */
  #post(operation: UpstreamOperation, body: Uint8Array | string, options: ProviderCallOptions, stream: boolean, contentType?: string): Promise<UpstreamBody> {
    const headers = contentType === undefined ? this.#init.headers : { ...this.#init.headers, 'content-type': contentType };
    const bearerToken = this.#init.bearerToken;
    if (bearerToken === undefined) return this.#send(headers, operation, body, options, stream);
    return bearerToken().then((token) => this.#send({ ...headers, authorization: `Bearer ${token}` }, operation, body, options, stream));
  }

  #send(headers: Readonly<Record<string, string>>, operation: UpstreamOperation, body: Uint8Array | string, options: ProviderCallOptions, stream: boolean): Promise<UpstreamBody> {
    return this.#upstream.post({
      path: this.#init.pathFor?.(operation, options.model) ?? `/${operation}`,
      fromOrigin: operation === 'tokenize',
      headers: stream ? { ...headers, accept: 'text/event-stream' } : headers,
      body,
      options,
      toError: (status, responseHeaders, bodyText) => this.#toError({ provider: this.name, status, headers: responseHeaders, bodyText, secrets: this.#init.secrets }),
    });
  }
}
