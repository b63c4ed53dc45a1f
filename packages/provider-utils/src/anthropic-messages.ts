/** Anthropic Messages API shapes this provider reads and writes (the subset it translates). */

/** A content block of a message. */
export type AnthropicContentBlock =
  | { type: 'text'; text: string; cache_control?: unknown }
  | { type: 'image'; source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string } }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content?: string | AnthropicContentBlock[]; is_error?: boolean }
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: string; [field: string]: unknown };

/** One message of the conversation (Anthropic has only user and assistant turns). */
export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | AnthropicContentBlock[];
}

/** A Messages API request body. */
export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string | { type: 'text'; text: string }[];
  stop_sequences?: string[];
  stream?: boolean;
  output_config?: { effort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max'; format?: { type: 'json_schema'; schema: unknown } };
  metadata?: { user_id?: string };
  tools?: { name: string; description?: string; input_schema: unknown; cache_control?: unknown }[];
  tool_choice?: { type: 'auto' | 'any' | 'none' | 'tool'; name?: string; disable_parallel_tool_use?: boolean };
  thinking?: { type: 'enabled'; budget_tokens: number; display?: 'summarized' | 'omitted' } | { type: 'adaptive'; display?: 'summarized' | 'omitted' } | { type: 'disabled' };
  /** Fast mode (`fast`): a faster configuration of some Opus models, at a multiple of the standard rates. */
  speed?: 'fast' | 'standard';
  [extension: string]: unknown;
}

/**
 * Anthropic's usage counts; `input_tokens` excludes cached tokens. `server_tool_use` counts the server
 * tools Anthropic ran (web searches are billed per search). A stream's `message_delta` carries the
 * counts so far, any of them null.
 */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** Cache writes by time to live: 1-hour writes cost more (2× input against 1.25×). */
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
  server_tool_use?: { web_search_requests?: number | null; web_fetch_requests?: number | null } | null;
  /** The speed the answer was served at: `fast` (fast mode, priced at a multiple of the standard rates) or `standard`. */
  speed?: string | null;
}

/** A Messages API response body. */
export interface AnthropicResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: string | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}
