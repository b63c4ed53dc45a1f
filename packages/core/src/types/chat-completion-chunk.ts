import type { FinishReason, GeneratedImage } from './chat-completion-response.js';
import type { ReasoningDetail } from './reasoning-detail.js';
import type { UpstreamItem } from './upstream-item.js';
import type { Usage } from './usage.js';

/** A piece of a streamed tool call; `arguments` arrive as fragments of one JSON string. */
export interface ToolCallDelta {
  readonly index: number;
  readonly id?: string;
  readonly type?: 'function';
  readonly function?: { readonly name?: string; readonly arguments?: string };
}

/** One choice's increment within a stream chunk. */
export interface ChatCompletionChunkChoice {
  readonly index: number;
  readonly delta: {
    readonly role?: 'assistant';
    readonly content?: string | null;
    readonly tool_calls?: readonly ToolCallDelta[];
    readonly refusal?: string | null;
    /** Whole images the model made, each in the chunk it arrived in (OpenRouter's shape). */
    readonly images?: readonly GeneratedImage[];
    /** Pieces of the model's reasoning blocks; pieces with the same `index` join (see {@link ReasoningDetail}). */
    readonly reasoning_details?: readonly ReasoningDetail[];
    /** Whole parts of the answer in the upstream's own shape, in their place in the stream (see {@link UpstreamItem}). */
    readonly upstream_items?: readonly UpstreamItem[];
    readonly [extension: string]: unknown;
  };
  readonly finish_reason: FinishReason | null;
  /** With the finish: the stop sequence that ended the answer (see `ChatCompletionChoice.stop_reason`). */
  readonly stop_reason?: string | number | null;
  readonly logprobs?: unknown;
}

/**
 * One `chat.completion.chunk` event of a stream. The last chunk of a stream that asked for usage has
 * empty `choices` and carries `usage`.
 */
export interface ChatCompletionChunk {
  readonly id: string;
  readonly object: 'chat.completion.chunk';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly ChatCompletionChunkChoice[];
  readonly usage?: Usage | null;
  /** The processing tier the upstream serves the request at (OpenAI's `default`, `flex`, `priority`). */
  readonly service_tier?: string | null;
  readonly system_fingerprint?: string | null;
  readonly [extension: string]: unknown;
}
