import { z } from '@tollgate/core';
import { upstreamTimeoutsSchema, vertexOptionsSchema } from '@tollgate/provider-utils';

/** Options of one `type: gemini` provider instance (validated at startup). */
export const geminiProviderOptionsSchema = z
  .strictObject({
    /** Sent as `x-goog-api-key` (the Gemini API); or give `vertex` instead. */
    apiKey: z.string().min(1).optional(),
    /** Serve the models through Vertex AI (`publishers/google`), signed in with Google credentials. */
    vertex: vertexOptionsSchema.optional(),
    /** Where Vertex AI's Ranking API is (`/v1/rerank` with `vertex`); by default `https://discoveryengine.googleapis.com`. */
    rankingURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "https://discoveryengine.googleapis.com"' }).optional(),
    /** By default `https://generativelanguage.googleapis.com`, or the `vertex` location's address. */
    baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "https://generativelanguage.googleapis.com"' }).optional(),
    /** The Gemini API's version in the path (`v1beta` has every feature; `v1` is the stable subset); Vertex AI's is `v1`. */
    apiVersion: z.enum(['v1beta', 'v1']).default('v1beta'),
    /** The id price tables know this upstream by. */
    priceProvider: z.string().min(1).default('google'),
    /** Ask for thought summaries, returned as `reasoning_content`. */
    includeThoughts: z.boolean().default(false),
    /** `safetySettings` sent with every request (`[{ category, threshold }]`). */
    safetySettings: z.array(z.looseObject({ category: z.string(), threshold: z.string() })).optional(),
    headers: z.record(z.string(), z.string()).default({}),
    maxConnections: z.number().int().positive().optional(),
    timeouts: upstreamTimeoutsSchema,
  })
  .refine((options) => (options.apiKey === undefined) !== (options.vertex === undefined), { message: 'give either apiKey (the Gemini API) or vertex (Vertex AI), not both or neither', path: ['apiKey'] });

/** Options of one `type: gemini` provider instance, with defaults applied. */
export type GeminiProviderOptions = z.output<typeof geminiProviderOptionsSchema>;
