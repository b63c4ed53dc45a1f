/**
 * Which API a part of an answer came from, which decides who can take it back: Anthropic's Messages
 * API (`anthropic-claude-v1`), OpenAI's Responses API (`openai-responses-v1`) — OpenRouter's names.
 */
export type UpstreamFormat = 'anthropic-claude-v1' | 'openai-responses-v1' | (string & {});

/** The formats the gateway's own providers and ingresses read and write. */
export const upstreamFormats = { anthropic: 'anthropic-claude-v1', openaiResponses: 'openai-responses-v1' } as const;

/**
 * A part of an answer the canonical form has no field for, in the upstream's own shape — Anthropic's
 * server tool blocks (`server_tool_use`, `web_search_tool_result`), OpenAI's built-in tool items
 * (`web_search_call`) — on a chat answer's message and stream deltas, so an ingress of the same API
 * gives it back where it came (a stream's item arrives whole, in its place among the deltas).
 */
export interface UpstreamItem {
  readonly format: UpstreamFormat;
  /** The block or item as the upstream sent it. */
  readonly item: Readonly<Record<string, unknown>>;
}
