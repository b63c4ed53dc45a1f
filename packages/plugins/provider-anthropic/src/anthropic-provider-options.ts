import { z } from '@tollgate/core';
import { upstreamTimeoutsSchema, vertexOptionsSchema } from '@tollgate/provider-utils';

/** Options of one `type: anthropic` provider instance (validated at startup). */
export const anthropicProviderOptionsSchema = z
  .strictObject({
    /** Sent as `x-api-key` (Anthropic's API); or give `vertex` instead. */
    apiKey: z.string().min(1).optional(),
    /** Serve Claude through Vertex AI (`publishers/anthropic`, `rawPredict`), signed in with Google credentials. */
    vertex: vertexOptionsSchema.optional(),
    /** By default `https://api.anthropic.com`, or the `vertex` location's address. */
    baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "https://api.anthropic.com"' }).optional(),
    /** The `anthropic-version` header. */
    version: z.string().default('2023-06-01'),
    /** The id price tables know this upstream by: `anthropic` by default, `google` (Vertex AI's prices) with `vertex`. */
    priceProvider: z.string().min(1).optional(),
    /** `anthropic-beta` flags sent with every request. */
    betas: z.array(z.string().min(1)).default([]),
    /** Also send the `anthropic-beta` flags an Anthropic client sent (Claude Code relies on them). */
    forwardClientBetas: z.boolean().default(true),
    /** `max_tokens` for OpenAI requests that set none (Anthropic requires one). */
    defaultMaxTokens: z.number().int().positive().default(4096),
    headers: z.record(z.string(), z.string()).default({}),
    maxConnections: z.number().int().positive().optional(),
    timeouts: upstreamTimeoutsSchema,
  })
  .refine((options) => (options.apiKey === undefined) !== (options.vertex === undefined), { message: "give either apiKey (Anthropic's API) or vertex (Vertex AI), not both or neither", path: ['apiKey'] });

/** Options of one `type: anthropic` provider instance, with defaults applied. */
export type AnthropicProviderOptions = z.output<typeof anthropicProviderOptionsSchema>;
