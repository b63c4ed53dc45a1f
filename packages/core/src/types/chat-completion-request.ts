import type { ChatMessage } from './chat-message.js';

/** A function the model may call, described by a JSON schema. */
export interface FunctionTool {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description?: string;
    readonly parameters?: Readonly<Record<string, unknown>>;
    readonly strict?: boolean | null;
  };
}

/** How the model may use tools: OpenAI's `tool_choice`. */
export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { readonly type: 'function'; readonly function: { readonly name: string } };

/** The requested output format. */
export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | {
      readonly type: 'json_schema';
      readonly json_schema: {
        readonly name: string;
        readonly schema?: Readonly<Record<string, unknown>>;
        readonly strict?: boolean | null;
        readonly description?: string;
      };
    };

/**
 * The canonical request: OpenAI's chat completions body, the lingua franca of clients.
 * Fields Tollgate does not know (provider extensions such as OpenRouter's `provider`) are kept as they
 * came and passed on to providers that understand them.
 */
export interface ChatCompletionRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream?: boolean | null;
  readonly stream_options?: { readonly include_usage?: boolean } | null;
  readonly max_tokens?: number | null;
  readonly max_completion_tokens?: number | null;
  readonly temperature?: number | null;
  readonly top_p?: number | null;
  readonly n?: number | null;
  readonly stop?: string | readonly string[] | null;
  readonly presence_penalty?: number | null;
  readonly frequency_penalty?: number | null;
  readonly logit_bias?: Readonly<Record<string, number>> | null;
  readonly logprobs?: boolean | null;
  readonly top_logprobs?: number | null;
  readonly seed?: number | null;
  readonly user?: string;
  readonly tools?: readonly FunctionTool[];
  readonly tool_choice?: ToolChoice;
  readonly parallel_tool_calls?: boolean;
  readonly response_format?: ResponseFormat;
  /** OpenAI's effort levels: `none` (the newest models) to `xhigh`. */
  readonly reasoning_effort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | null;
  readonly metadata?: Readonly<Record<string, string>> | null;
  /** The processing tier asked for (OpenAI's `auto`, `default`, `flex`, `priority`): priced apart. */
  readonly service_tier?: string | null;
  readonly [extension: string]: unknown;
}
