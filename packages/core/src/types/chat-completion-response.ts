import type { ToolCall } from './chat-message.js';
import type { ReasoningDetail } from './reasoning-detail.js';
import type { UpstreamItem } from './upstream-item.js';
import type { Usage } from './usage.js';

/**
 * An image a model made in its answer (Gemini's image models asked for `modalities: ["image",
 * "text"]`), as OpenRouter returns it: a `data:` URL of the image's bytes.
 */
export interface GeneratedImage {
  readonly type: 'image_url';
  readonly image_url: { readonly url: string };
  /** Its position among the choice's images (in a stream's deltas). */
  readonly index?: number;
}

/** Why the model stopped. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** One answer of a chat completion. */
export interface ChatCompletionChoice {
  readonly index: number;
  readonly message: {
    readonly role: 'assistant';
    readonly content: string | null;
    readonly tool_calls?: readonly ToolCall[];
    readonly refusal?: string | null;
    /** Images the model made, in OpenRouter's shape (`modalities` with `image`). */
    readonly images?: readonly GeneratedImage[];
    /** The model's reasoning as the upstream's blocks (signed thinking, encrypted reasoning), for the client's next turn. */
    readonly reasoning_details?: readonly ReasoningDetail[];
    /** Parts of the answer in the upstream's own shape, for an ingress of its API (server tool blocks, built-in tool items). */
    readonly upstream_items?: readonly UpstreamItem[];
    readonly [extension: string]: unknown;
  };
  readonly finish_reason: FinishReason | null;
  /**
   * The stop sequence that ended the answer (vLLM's field: a token id there too), where the upstream
   * says so — Claude's `stop_sequence`, vLLM's own — or the gateway applied it; null or absent otherwise.
   */
  readonly stop_reason?: string | number | null;
  readonly logprobs?: unknown;
}

/** A complete (non-streamed) chat completion, in OpenAI's shape. */
export interface ChatCompletionResponse {
  readonly id: string;
  readonly object: 'chat.completion';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly ChatCompletionChoice[];
  readonly usage?: Usage;
  /** The processing tier the upstream served the request at (OpenAI's `default`, `flex`, `priority`). */
  readonly service_tier?: string | null;
  readonly system_fingerprint?: string | null;
  readonly [extension: string]: unknown;
}
