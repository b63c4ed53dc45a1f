/**
 * Token usage in OpenAI's shape. `cost` is the provider-reported cost in USD where the provider reports
 * one (OpenRouter's `usage.cost`); `server_tool_use` counts the web searches an upstream ran and bills.
 */
export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details?: {
    readonly cached_tokens?: number;
    readonly cache_write_tokens?: number;
    /** Of `cache_write_tokens`, those written for an hour (Anthropic's 1-hour cache TTL), priced higher. */
    readonly cache_write_1h_tokens?: number;
    readonly audio_tokens?: number;
    /** Image input tokens (an image edit's uploads), priced apart where a model prices them apart. */
    readonly image_tokens?: number;
  } | null;
  readonly completion_tokens_details?: {
    readonly reasoning_tokens?: number;
    readonly audio_tokens?: number;
    readonly accepted_prediction_tokens?: number;
    readonly rejected_prediction_tokens?: number;
    /** Image output tokens (a GPT Image model's images), priced apart where a model prices them apart. */
    readonly image_tokens?: number;
  } | null;
  /**
   * Runs of tools the upstream executed itself and bills apart from tokens: Anthropic's
   * `server_tool_use` (its web search), and OpenAI's built-in web search counted from its
   * `web_search_call` output items.
   */
  readonly server_tool_use?: {
    readonly web_search_requests?: number;
  } | null;
  /**
   * How many times the model's fee per request is billed for this one (a reranker that bills by the
   * search: one per 100 documents); once when absent.
   */
  readonly billed_requests?: number;
  /** Seconds of audio a model billed by duration read (Whisper's `usage.seconds`, or the upload's length where the upstream reports none). */
  readonly audio_seconds?: number;
  /** Characters of text a model billed by the character read (OpenAI's `tts-1`). */
  readonly input_characters?: number;
  readonly cost?: number;
}

/**
 * Where a request's usage comes from when not from the answer itself: `billed`, asked of the upstream
 * after its stream ended without it (OpenRouter's generation record); `estimated`, counted from the
 * text a stream carried before it was cut (the client left, or the upstream broke off).
 */
export type UsageSource = 'billed' | 'estimated';
