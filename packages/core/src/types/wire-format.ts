/**
 * The wire format a client (ingress) or an upstream (provider) speaks: OpenAI's chat completions,
 * Anthropic's Messages API, OpenAI's Responses API, OpenAI's legacy completions (`/v1/completions`), or
 * a plugin's own. When the two are equal, and no hook needs decoded content, the body passes through as
 * bytes.
 */
export type WireFormat = 'openai' | 'anthropic' | 'openai-responses' | 'openai-completions' | (string & {});
