import type { MockReplyBasics } from './mock-reply-basics.js';

/** A tool call the Anthropic mock answers with, as a `tool_use` block. */
export interface MockToolUse {
  readonly name: string;
  readonly input: unknown;
  readonly id?: string;
}

/** One programmed Anthropic answer; anything left out takes the mock's faithful default. */
export interface MockAnthropicReply extends MockReplyBasics {
  /** An error in Anthropic's shape (`{"type":"error","error":{type,message}}`); status defaults by type. */
  readonly error?: { readonly type: string; readonly message: string };
  /** The text of a default answer. */
  readonly content?: string;
  /** Overrides the stop reason: `max_tokens` (cut at the output limit), `refusal`, `pause_turn`. */
  readonly stopReason?: string;
  /** `tool_use` blocks after the text (the stop reason becomes `tool_use`). */
  readonly toolUses?: readonly MockToolUse[];
  /** A `thinking` block before the text, signed `sig_mock`. */
  readonly thinking?: string;
  /** A `redacted_thinking` block (its encrypted `data`) before the thinking block. */
  readonly redactedThinking?: string;
  /**
   * Queries Claude searches the web for before it answers, when the request carries a web search server
   * tool (`web_search_…`): a `server_tool_use` block and its `web_search_tool_result` each, counted in
   * `usage.server_tool_use.web_search_requests` up to the tool's `max_uses` (a search past it gets a
   * `max_uses_exceeded` result), and ~1,000 input tokens of results per search.
   */
  readonly webSearches?: readonly string[];
  readonly usage?: {
    readonly input_tokens?: number;
    readonly output_tokens?: number;
    readonly cache_read_input_tokens?: number;
    readonly cache_creation_input_tokens?: number;
    /** Of `cache_creation_input_tokens`, those written for an hour (`cache_creation.ephemeral_1h_input_tokens`). */
    readonly ephemeral_1h_input_tokens?: number;
  };
  /** Shape of a streamed answer, counted in SSE events. */
  readonly stream?: {
    readonly chunkDelayMs?: number;
    /** Destroy the connection after this many events. */
    readonly failAfter?: number;
    /** Stop sending after this many events, keeping the connection open. */
    readonly hangAfter?: number;
    /** Send an `error` event after this many events (`overloaded_error` by default), then end. */
    readonly errorAfter?: number;
    readonly errorType?: string;
    /** Fragments each tool input's JSON is split into (`input_json_delta` events). */
    readonly inputJsonPieces?: number;
  };
}
