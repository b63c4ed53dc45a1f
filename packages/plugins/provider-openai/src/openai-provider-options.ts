import { z } from '@tollgate/core';
import { upstreamTimeoutsSchema } from '@tollgate/provider-utils';

/** Options of one `type: openai` provider instance (validated at startup). */
export const openAIProviderOptionsSchema = z
  .strictObject({
    /** The upstream key, sent as `Authorization: Bearer`; optional for self-hosted servers. */
    apiKey: z.string().min(1).optional(),
    /** Base URL including the version path: OpenAI's, or a vLLM/SGLang/Ollama/llama.cpp server's. */
    baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "http://10.0.0.7:8000/v1"' }).default('https://api.openai.com/v1'),
    organization: z.string().optional(),
    project: z.string().optional(),
    /**
     * The id price tables know this upstream by; defaults to `openai` for api.openai.com and to none
     * (prices from `@tollgate/pricing` overrides only) for self-hosted servers.
     */
    priceProvider: z.string().min(1).optional(),
    /** Extra headers sent with every upstream request. */
    headers: z.record(z.string(), z.string()).default({}),
    /** Ask for `stream_options.include_usage` so usage is always known; turn off for servers that reject it. */
    requestUsageInStream: z.boolean().default(true),
    /** Cap on keep-alive connections to the upstream origin; none by default (a capped pool queues requests). */
    maxConnections: z.number().int().positive().optional(),
    timeouts: upstreamTimeoutsSchema,
  })
  .refine((options) => options.apiKey !== undefined || !URL.canParse(options.baseURL) || new URL(options.baseURL).hostname !== 'api.openai.com', {
    path: ['apiKey'],
    message: 'required (api.openai.com needs a key; self-hosted servers may leave it out)',
  });

/** Options of one `type: openai` provider instance, with defaults applied. */
export type OpenAIProviderOptions = z.output<typeof openAIProviderOptionsSchema>;
