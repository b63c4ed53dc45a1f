import { z } from '@tollgate/core';
import { upstreamTimeoutsSchema } from '@tollgate/provider-utils';
import { entraOptionsSchema } from './entra-token.js';

/** Options of one `type: azure-openai` provider instance. */
export const azureOpenAIProviderOptionsSchema = z
  .strictObject({
    /** The resource endpoint, `https://<resource>.openai.azure.com`. */
    endpoint: z.url({ protocol: /^https?$/, error: 'must be the resource URL, such as "https://my-resource.openai.azure.com"' }),
    /** A resource key, sent as `api-key`. */
    apiKey: z.string().min(1).optional(),
    /** A Microsoft Entra ID access token, sent as `Authorization: Bearer` (refresh it outside, e.g. `${AZURE_OPENAI_AD_TOKEN}`). */
    entraToken: z.string().min(1).optional(),
    /**
     * Microsoft Entra ID tokens the gateway fetches and renews itself: `{ tenantId, clientId,
     * clientSecret }` (a service principal) or `{ managedIdentity: true, clientId? }`.
     */
    entra: entraOptionsSchema.optional(),
    /** The `api-version` of the deployments API; `v1` uses the version-less `/openai/v1` API instead. */
    apiVersion: z.string().min(1).default('2024-10-21'),
    /**
     * Deployments of reasoning models whose names do not say so: like deployments named `o3…`,
     * `gpt-5…` or `codex-…`, they get a request's `max_tokens` as `max_completion_tokens`, an effort of
     * `low` to `high` at most, and no sampling settings or stop sequences (the gateway applies those).
     */
    maxCompletionTokensDeployments: z.array(z.string().min(1)).default([]),
    /**
     * Deployments of Responses-only models (Codex) whose names do not say so: like deployments named
     * `…codex…`, every client's request to them goes to `/openai/v1/responses` (with `apiVersion: v1`).
     */
    responsesOnlyDeployments: z.array(z.string().min(1)).default([]),
    /**
     * Deployments of an instruct model that serve legacy completions, beyond those named like one
     * (`gpt-35-turbo-instruct`): `/v1/completions` clients pass through to their `/completions`; every
     * other deployment is sent their prompt as a chat request.
     */
    completionsDeployments: z.array(z.string().min(1)).default([]),
    /**
     * Request fields not to send upstream: `true`, every field OpenAI's API does not define for the
     * operation, chat completions or embeddings (another server's extensions a client sent — vLLM's
     * `top_k`, OpenRouter's `provider`, an embedding server's `input_type` —
     * which OpenAI's API refuses with a 400: set it on a fallback to OpenAI behind other targets); a
     * list, the fields named. `cache_control` (dropped by `true`) covers the prompt caching marks a
     * client set for Claude on its messages, content parts and tools too. Dropped fields are logged at
     * debug level; a target's `params` always go. Default false: every field the client sent goes.
     */
    dropParams: z.union([z.boolean(), z.array(z.string().min(1))]).default(false),
    /** The id price tables know this upstream by. */
    priceProvider: z.string().min(1).default('azure'),
    headers: z.record(z.string(), z.string()).default({}),
    maxConnections: z.number().int().positive().optional(),
    timeouts: upstreamTimeoutsSchema,
  })
  .refine((options) => [options.apiKey, options.entraToken, options.entra].filter((given) => given !== undefined).length === 1, { path: ['apiKey'], message: 'give one of apiKey, entraToken or entra' });

/** Options of one `type: azure-openai` provider instance, with defaults applied. */
export type AzureOpenAIProviderOptions = z.output<typeof azureOpenAIProviderOptionsSchema>;
