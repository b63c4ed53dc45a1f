import { z } from '@tollgate/core';
import { upstreamTimeoutsSchema } from '@tollgate/provider-utils';

/** OpenRouter's provider routing preferences (`provider` in a request). */
const providerPreferencesSchema = z.looseObject({
  order: z.array(z.string()).optional(),
  allow_fallbacks: z.boolean().optional(),
  require_parameters: z.boolean().optional(),
  data_collection: z.enum(['allow', 'deny']).optional(),
  zdr: z.boolean().optional(),
  only: z.array(z.string()).optional(),
  ignore: z.array(z.string()).optional(),
  sort: z.union([z.enum(['price', 'throughput', 'latency']), z.looseObject({})]).optional(),
  max_price: z.looseObject({}).optional(),
  quantizations: z.array(z.string()).optional(),
});

/** OpenRouter's request extensions, set for every request of this instance. */
const extensionsSchema = z.strictObject({
  provider: providerPreferencesSchema.optional(),
  /** OpenRouter's own fallback list of models. */
  models: z.array(z.string()).optional(),
  transforms: z.array(z.string()).optional(),
  reasoning: z.looseObject({}).optional(),
  plugins: z.array(z.looseObject({})).optional(),
});

/** Options of one `type: openrouter` provider instance. */
export const openRouterProviderOptionsSchema = z.strictObject({
  apiKey: z.string().min(1),
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "https://openrouter.ai/api/v1"' }).default('https://openrouter.ai/api/v1'),
  /** Attribution: sent as `HTTP-Referer` (your site) and `X-Title` (your app's name). */
  referer: z.string().optional(),
  title: z.string().optional(),
  /**
   * Request extensions for every request (`provider` routing preferences, `models`, `transforms`,
   * `reasoning`, `plugins`). They win over what a client sends; a model target's `params` win over them.
   */
  extensions: extensionsSchema.default({}),
  headers: z.record(z.string(), z.string()).default({}),
  maxConnections: z.number().int().positive().optional(),
  timeouts: upstreamTimeoutsSchema,
});

/** Options of one `type: openrouter` provider instance, with defaults applied. */
export type OpenRouterProviderOptions = z.output<typeof openRouterProviderOptionsSchema>;
