import type { ChatCompletionChunk } from '../types/chat-completion-chunk.js';
import type { ChatCompletionRequest } from '../types/chat-completion-request.js';
import type { ChatCompletionResponse } from '../types/chat-completion-response.js';
import type { EmbeddingRequest } from '../types/embedding-request.js';
import type { EmbeddingResponse } from '../types/embedding-response.js';
import type { ImageGenerationRequest } from '../types/image-generation-request.js';
import type { ImageGenerationResponse } from '../types/image-generation-response.js';
import type { ModerationRequest } from '../types/moderation-request.js';
import type { ModerationResponse } from '../types/moderation-response.js';
import type { SpeechRequest } from '../types/speech-request.js';
import type { TranscriptionRequest } from '../types/transcription-request.js';
import type { TranscriptionResponse } from '../types/transcription-response.js';
import type { RerankRequest } from '../types/rerank-request.js';
import type { RerankResponse } from '../types/rerank-response.js';
import type { Usage } from '../types/usage.js';
import type { StreamedOutput } from '../types/streamed-output.js';
import type { WireFormat } from '../types/wire-format.js';
import type { UpstreamTimeouts } from '../config/gateway-config.js';

/** What the engine hands a provider with every call. */
export interface ProviderCallOptions {
  /** The model id to send upstream (after routing). */
  readonly model: string;
  /** Aborts when the client disconnects; the provider must pass it to its upstream request. */
  readonly signal: AbortSignal;
  readonly requestId: string;
  /**
   * The client's body exactly as received. Set only when the client speaks this provider's wire format
   * and no hook replaced the request: a provider may then send these bytes instead of re-encoding.
   */
  readonly rawBody: Uint8Array | undefined;
  /**
   * True when the client speaks this provider's wire format and no hook needs decoded content: the
   * provider may answer with the upstream's bytes (`body` of a result, a `bytes` stream).
   */
  readonly passthrough: boolean;
  /** Timeouts for this call from the model group, the target and the request; any left out are the provider's own. */
  readonly timeouts: UpstreamTimeouts;
  /**
   * The client's request headers, for the few a provider forwards on purpose (`anthropic-beta`).
   * Never forward `authorization` or `x-api-key`: they hold the client's gateway key.
   */
  readonly clientHeaders: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * The target's `params` from the config. The engine already merged them into the request; a
   * provider that adds its own defaults re-applies them last, so the most specific setting wins.
   */
  readonly targetParams: Readonly<Record<string, unknown>> | undefined;
  /** Headers hooks asked to send upstream (W3C `traceparent`); an HTTP provider adds them to its own. */
  readonly upstreamHeaders?: Readonly<Record<string, string>> | undefined;
  /**
   * Set when the client speaks one of the provider's {@link Provider.passthroughWires} rather than its
   * `wire`: `rawBody` is in this format, so the provider calls its upstream's endpoint for this format
   * with it. The answer goes back as the upstream's bytes when `passthrough` is true; else (a hook reads
   * the answer) decoded to the canonical response or chunks, like a translated one.
   */
  readonly passthroughWire?: WireFormat | undefined;
}

/** A non-streamed answer. */
export interface ProviderChatResult {
  /** The answer in canonical form (usage included). */
  readonly response: ChatCompletionResponse;
  /** The upstream's exact bytes; set only in passthrough mode, then sent to the client as they are. */
  readonly body?: Uint8Array;
}

/**
 * What a passthrough stream learned while its bytes went by. Filled in as the stream is read; complete
 * when the stream has ended.
 */
export interface StreamSummary {
  usage: Usage | undefined;
  /** The model the upstream says answered. */
  model: string | undefined;
  /** The id the upstream gave its answer (`chatcmpl-…`, `msg_…`, `resp_…`), once seen. */
  id?: string;
  /** Why the model stopped, one per choice as each ended, in OpenAI's `finish_reason` vocabulary. */
  finishReasons?: string[];
  /** The processing tier the upstream says it serves the request at (OpenAI's `service_tier`), once seen. */
  serviceTier?: string;
  /**
   * The generated text that went by, counted where the tap can (see {@link StreamedOutput} and
   * `countStreamedText`): a stream cut before its last usage count is charged by it. Left out, such a
   * stream's cost is unknown and its budgets are charged the hold.
   */
  output?: StreamedOutput;
  /**
   * The whole answer the stream's last event carried, once it went by, where the wire has one (the
   * Responses API's `response.completed` or `response.incomplete` response): an ingress that keeps
   * answers reads it rather than parsing the bytes again.
   */
  answer?: Readonly<Record<string, unknown>>;
}

/**
 * A streamed answer: decoded chunks, or (in passthrough mode) the upstream's SSE bytes in the client's
 * wire format with a summary tapped from them.
 */
export type ProviderStream =
  | {
      readonly type: 'chunks';
      readonly chunks: AsyncIterable<ChatCompletionChunk>;
      /** What the upstream said before its stream's end, where it does (Anthropic's message_start usage): a stream cut before its usage chunk is charged by it. */
      readonly summary?: Pick<StreamSummary, 'usage'>;
    }
  | { readonly type: 'bytes'; readonly body: AsyncIterable<Uint8Array>; readonly summary: StreamSummary };

/** An embeddings answer; `body` as for {@link ProviderChatResult}. */
export interface ProviderEmbedResult {
  readonly response: EmbeddingResponse;
  readonly body?: Uint8Array;
}

/** A rerank answer; `body` as for {@link ProviderChatResult}. */
export interface ProviderRerankResult {
  readonly response: RerankResponse;
  readonly body?: Uint8Array;
}

/** An answer relayed as bytes as they come (a streamed transcription's events, speech): their media type, and a summary the provider fills by their end (the usage). */
export interface ProviderByteStream {
  readonly body: AsyncIterable<Uint8Array>;
  readonly contentType: string;
  readonly summary: StreamSummary;
}

/** A moderation answer; `body` as for {@link ProviderChatResult}. */
export interface ProviderModerationResult {
  readonly response: ModerationResponse;
  readonly body?: Uint8Array;
}

/** A transcription answer; `body` as for {@link ProviderChatResult}, of `contentType` (JSON, or the plain text of `text`, `srt` and `vtt`). */
export interface ProviderTranscriptionResult {
  readonly response: TranscriptionResponse;
  readonly body?: Uint8Array;
  readonly contentType?: string;
}

/** An images answer; `body` as for {@link ProviderChatResult} (images are large: pass their bytes through). */
export interface ProviderImagesResult {
  readonly response: ImageGenerationResponse;
  readonly body?: Uint8Array;
}

/**
 * A model provider instance. Methods prefixed `do` are called by the engine only, after auth, routing,
 * transforms and budget reservation. A provider throws {@link GatewayError}s (usually `ProviderError`)
 * and never retries on its own: retries and fallbacks are the engine's.
 */
export interface Provider {
  readonly specificationVersion: 'v1';
  /** The instance name from the config (`openai`, `gpu-box`). */
  readonly name: string;
  /** The wire format the upstream speaks. */
  readonly wire: WireFormat;
  /**
   * Other wire formats the upstream also serves natively (OpenAI's Responses API next to chat
   * completions). A client speaking one of them gets its bytes sent as they are while they still match
   * the request, and the answer passed through unless a hook reads it (see
   * {@link ProviderCallOptions.passthroughWire}); once a hook changed the request it is translated like
   * any other client.
   */
  readonly passthroughWires?: readonly WireFormat[] | undefined;
  /**
   * Whether the upstream serves `model` in `wire`, one of {@link passthroughWires}, when it does not
   * for every model (Bedrock serves the Messages API for Claude models only); absent: every model.
   */
  takesWire?(wire: WireFormat, model: string): boolean;
  /** The provider's id in price tables (`openai`, `anthropic`, `openrouter`); undefined for self-hosted servers. */
  readonly priceProvider?: string | undefined;
  /**
   * The platform that serves the models when it is not the vendor's own API, as OpenTelemetry's
   * `gen_ai.provider.name` names it (`gcp.vertex_ai` for Claude or Gemini on Vertex AI); traces name it
   * before the price family.
   */
  readonly platform?: string | undefined;
  /**
   * The upstream's origin (`https://api.openai.com`, `http://10.0.0.7:8000`), which traces name as
   * `server.address` and `server.port`; undefined for a provider without one (answers locally).
   */
  readonly origin?: string | undefined;
  /** Upstream model ids this provider knows it serves (from a catalog): `GET /v1/models` lists a wildcard route's models from them. */
  readonly knownModels?: readonly string[] | undefined;
  doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult>;
  /** Starts a stream; resolves once the upstream accepted the request (status and headers known). */
  doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream>;
  doEmbed?(request: EmbeddingRequest, options: ProviderCallOptions): Promise<ProviderEmbedResult>;
  /** Ranks documents by relevance to a query (`POST /v1/rerank`), where the upstream serves a rerank API. */
  doRerank?(request: RerankRequest, options: ProviderCallOptions): Promise<ProviderRerankResult>;
  /** Generates images from a prompt (`POST /v1/images/generations`), where the upstream serves OpenAI's Images API. */
  doGenerateImages?(request: ImageGenerationRequest, options: ProviderCallOptions): Promise<ProviderImagesResult>;
  /** Starts a streamed image generation (`stream: true`: GPT Image's partial images); its summary filled by the final event. */
  doGenerateImagesStream?(request: ImageGenerationRequest, options: ProviderCallOptions): Promise<ProviderByteStream>;
  /** Classifies an input against the upstream's content policy (`POST /v1/moderations`), where it serves OpenAI's moderation API. */
  doModerate?(request: ModerationRequest, options: ProviderCallOptions): Promise<ProviderModerationResult>;
  /** Transcribes an audio file (`POST /v1/audio/transcriptions`), where the upstream serves OpenAI's audio API. */
  doTranscribe?(request: TranscriptionRequest, options: ProviderCallOptions): Promise<ProviderTranscriptionResult>;
  /** Starts a streamed transcription (`stream=true`); resolves once the upstream answered, its summary filled by the final event. */
  doTranscribeStream?(request: TranscriptionRequest, options: ProviderCallOptions): Promise<ProviderByteStream>;
  /**
   * Reads a text aloud (`POST /v1/audio/speech`); resolves once the upstream answered, with the audio
   * (or, for `stream_format: "sse"`, the events) as it comes, its summary filled with the usage by the end.
   */
  doSpeech?(request: SpeechRequest, options: ProviderCallOptions): Promise<ProviderByteStream>;
  /** Counts a request's input tokens upstream, where the upstream can (Anthropic's count_tokens). */
  doCountTokens?(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<{ readonly inputTokens: number }>;
  /**
   * What the upstream billed for an answer, asked after the fact by the id it gave the answer, where it
   * can say (OpenRouter's generation records): its tokens and `cost`; undefined while it cannot say yet.
   * The engine asks it for a stream that ended without usage (the client went away, the upstream broke
   * off), which the upstream still bills.
   */
  billedUsage?(responseId: string): Promise<Usage | undefined>;
  /** Releases connections; called once on shutdown. */
  close?(): Promise<void>;
}
