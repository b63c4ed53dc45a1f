import type { MockReplyBasics } from './mock-reply-basics.js';

/** A tool call the mock answers with; streamed as an id/name delta followed by argument fragments. */
export interface MockToolCall {
  readonly name: string;
  /** The complete arguments JSON string. */
  readonly arguments: string;
  readonly id?: string;
}

/** How a mocked stream unfolds. */
export interface MockStreamShape {
  /** Content deltas, one chunk each (default: the answer text split into words). */
  readonly content?: readonly string[];
  /** Tool calls, streamed after the content; their arguments split into `argumentPieces` fragments. */
  readonly toolCalls?: readonly MockToolCall[];
  readonly argumentPieces?: number;
  /** Milliseconds between chunks. */
  readonly chunkDelayMs?: number;
  /** Destroy the connection after this many `data:` events (no finish chunk, no `[DONE]`). */
  readonly failAfter?: number;
  /** Stop sending after this many `data:` events but keep the connection open. */
  readonly hangAfter?: number;
  /** Send an OpenAI error event (`data: {"error":…}`) after this many events, then end. */
  readonly errorAfter?: number;
  /** Frame the events with `\r\n` line endings, as servers built on sse-starlette do (llama-cpp-python's). */
  readonly crlf?: boolean;
}

/** One programmed answer. Anything left out takes the mock's faithful default. */
export interface MockReply extends MockReplyBasics {
  /** Answer with raw text (for malformed answers). */
  readonly rawBody?: string;
  /** Answer with an error in OpenAI's shape. */
  readonly error?: { readonly message: string; readonly type: string; readonly code?: string | null; readonly param?: string | null; readonly metadata?: Readonly<Record<string, unknown>> };
  /** The model the answer says it came from (OpenRouter reports the model actually used). */
  readonly model?: string;
  /** The assistant text of a default answer. */
  readonly content?: string;
  /**
   * Ends the answer as a model cut short does: `length` (its output limit reached) or `content_filter`;
   * on the Responses API, an `incomplete` response whose `incomplete_details.reason` is
   * `max_output_tokens` or `content_filter`, ending its stream with `response.incomplete`.
   */
  readonly finishReason?: 'length' | 'content_filter';
  /**
   * On the Responses API, the reasoning item's summary parts, when the model reasons and the request
   * asks for a summary (`reasoning.summary`); streamed as `response.reasoning_summary_*` events.
   */
  readonly reasoningSummary?: readonly string[];
  /** Answer with tool calls (JSON answers) — streams use `stream.toolCalls`. */
  readonly toolCalls?: readonly MockToolCall[];
  /** Shape of a streamed answer (used when the request has `stream: true`). */
  readonly stream?: MockStreamShape;
  /**
   * Queries the model searches the web for on the Responses API, when the request carries the built-in
   * `web_search` tool: a `web_search_call` item each before the message, up to `max_tool_calls`.
   */
  readonly webSearches?: readonly string[];
  /**
   * The processing tier the answer says it was served at (OpenAI's `service_tier`), whatever the
   * request asked: a project whose default tier is `priority`. Without it, the tier the request asked
   * for (`priority`, `flex`), else `default`.
   */
  readonly serviceTier?: string;
  /** Token counts to report. */
  readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number; readonly cached_tokens?: number; readonly reasoning_tokens?: number; readonly cost?: number };
}
