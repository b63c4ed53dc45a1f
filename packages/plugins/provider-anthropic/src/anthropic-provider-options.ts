import { z } from '@tollgate/core';
import { upstreamTimeoutsSchema } from '@tollgate/provider-utils';

/** Options of one `type: anthropic` provider instance (validated at startup). */
export const anthropicProviderOptionsSchema = z.strictObject({
  /** Sent as `x-api-key`. */
  apiKey: z.string().min(1),
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "https://api.anthropic.com"' }).default('https://api.anthropic.com'),
  /** The `anthropic-version` header. */
  version: z.string().default('2023-06-01'),
  /** The id price tables know this upstream by. */
  priceProvider: z.string().min(1).default('anthropic'),
  /** `anthropic-beta` flags sent with every request. */
  betas: z.array(z.string().min(1)).default([]),
  /** Also send the `anthropic-beta` flags an Anthropic client sent (Claude Code relies on them). */
  forwardClientBetas: z.boolean().default(true),
  /** `max_tokens` for OpenAI requests that set none (Anthropic requires one). */
  defaultMaxTokens: z.number().int().positive().default(4096),
  headers: z.record(z.string(), z.string()).default({}),
  maxConnections: z.number().int().positive().optional(),
  timeouts: upstreamTimeoutsSchema,
});

/** Options of one `type: anthropic` provider instance, with defaults applied. */
export type AnthropicProviderOptions = z.output<typeof anthropicProviderOptionsSchema>;
