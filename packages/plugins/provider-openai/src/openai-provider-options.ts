import { z } from '@tollgate/core';
import { upstreamTimeoutsSchema, vertexOptionsSchema } from '@tollgate/provider-utils';
import { openAICompatiblePresets, type OpenAICompatiblePreset, type PresetName } from './presets.js';

/** Options of one `type: openai` provider instance (validated at startup). */
export const openAIProviderOptionsSchema = z
  .strictObject({
    /** The upstream key, sent as `Authorization: Bearer`; optional for self-hosted servers. */
    apiKey: z.string().min(1).optional(),
    /**
     * Vertex AI's OpenAI-compatible endpoint (the partner and open models it hosts, `meta/llama-…-maas`,
     * or a model of yours deployed to an endpoint), signed in with Google credentials instead of `apiKey`.
     */
    vertex: vertexOptionsSchema.extend({ endpoint: z.string().min(1).default('openapi') }).optional(),
    /** A known OpenAI-compatible service or server: sets `baseURL` and `priceProvider` (explicit values win). */
    preset: z.enum(Object.keys(openAICompatiblePresets) as [PresetName, ...PresetName[]]).optional(),
    /** Base URL including the version path: OpenAI's (default), the preset's, or any OpenAI-compatible server's. */
    baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "http://10.0.0.7:8000/v1"' }).optional(),
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
    /**
     * The upstream serves OpenAI's Responses API at `<baseURL>/responses`: Responses clients (Codex) are
     * passed through to it instead of translated to chat completions. Default: on for OpenAI's own API
     * (price provider `openai`), off otherwise; turn on for a vLLM server, which serves it too.
     */
    responsesAPI: z.boolean().optional(),
    /**
     * The upstream serves OpenAI's legacy completions at `<baseURL>/completions`: `/v1/completions`
     * clients (code completion with `suffix`, `echo`, `logprobs`) are passed through to it instead of
     * translated to chat completions. Default: on for OpenAI's own API (its instruct models only: its
     * chat models get a chat request), for a `baseURL` of your own (vLLM, SGLang, Ollama, llama.cpp serve
     * it) and for the presets whose services do; off for the others and for Vertex AI.
     */
    completionsAPI: z.boolean().optional(),
    /**
     * The upstream serves a rerank API at `<baseURL>/rerank` (vLLM, SGLang, llama.cpp, Infinity, Jina's
     * `https://api.jina.ai/v1`, Cohere's `https://api.cohere.com/v2`, Together's): `/v1/rerank`
     * requests pass through to it. Default: on, but for OpenAI's own API and Vertex AI, which have none.
     */
    rerankAPI: z.boolean().optional(),
    /**
     * The upstream generates images at `<baseURL>/images/generations` (OpenAI's Images API):
     * `/v1/images/generations` requests pass through to it. Default: on for OpenAI's own API and the
     * presets whose services do (`together`, `xai`); set it for another server that does.
     */
    imagesAPI: z.boolean().optional(),
    /**
     * The upstream classifies inputs at `<baseURL>/moderations` (OpenAI's moderation API):
     * `/v1/moderations` requests pass through to it. Default: on for OpenAI's own API only.
     */
    moderationsAPI: z.boolean().optional(),
    /**
     * The upstream transcribes audio at `<baseURL>/audio/transcriptions` (OpenAI's audio API; vLLM and
     * Groq serve Whisper there too): `/v1/audio/transcriptions` requests go to it. Default: on for
     * OpenAI's own API and the `groq` preset; set it for another server that does.
     */
    transcriptionsAPI: z.boolean().optional(),
    /**
     * The upstream reads text aloud at `<baseURL>/audio/speech` (OpenAI's speech API; Kokoro and other
     * OpenAI-compatible TTS servers): `/v1/audio/speech` requests go to it. Default: on for OpenAI's own API.
     */
    speechAPI: z.boolean().optional(),
    /**
     * The server tokenizes chat requests at `/tokenize` beside its API, as vLLM does (`POST
     * http://host:8000/tokenize` for a base URL of `http://host:8000/v1`): Anthropic clients'
     * `count_tokens` (Claude Code's, before it compacts a conversation) is answered with the count of
     * the request as the model's chat template renders it. Default: on for the `vllm` preset and a
     * `baseURL` of your own; off for OpenAI's own API (which counts at `/responses/input_tokens`), the
     * other presets and Vertex AI.
     */
    tokenizeAPI: z.boolean().optional(),
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
    /** Cap on keep-alive connections to the upstream origin; none by default (a capped pool queues requests). */
    maxConnections: z.number().int().positive().optional(),
    timeouts: upstreamTimeoutsSchema,
  })
  .transform((options) => {
    const preset = options.preset === undefined ? undefined : openAICompatiblePresets[options.preset];
    return {
      ...options,
      // With `vertex`, the provider builds it from the project and location its credentials give.
      baseURL: options.baseURL ?? preset?.baseURL ?? (options.vertex === undefined ? 'https://api.openai.com/v1' : undefined),
      priceProvider: options.priceProvider ?? preset?.priceProvider,
      // Vertex AI's OpenAI-compatible endpoint serves chat completions only.
      completionsAPI: options.completionsAPI ?? preset?.completionsAPI ?? options.vertex === undefined,
      tokenizeAPI: options.tokenizeAPI ?? (preset === undefined ? options.vertex === undefined && options.baseURL !== undefined : (preset as OpenAICompatiblePreset).tokenizeAPI === true),
      imagesAPI: options.imagesAPI ?? (preset as OpenAICompatiblePreset | undefined)?.imagesAPI,
      transcriptionsAPI: options.transcriptionsAPI ?? (preset as OpenAICompatiblePreset | undefined)?.transcriptionsAPI,
      hostedPreset: preset?.hosted === true,
    };
  })
  .refine((options) => options.apiKey !== undefined || options.vertex !== undefined || (!options.hostedPreset && (options.baseURL === undefined || !URL.canParse(options.baseURL) || new URL(options.baseURL).hostname !== 'api.openai.com')), {
    path: ['apiKey'],
    message: 'required (hosted services need a key; self-hosted servers may leave it out)',
  })
  .refine((options) => options.apiKey === undefined || options.vertex === undefined, { path: ['apiKey'], message: 'give either apiKey or vertex (Vertex AI), not both' });

/** Options of one `type: openai` provider instance, with defaults applied. */
export type OpenAIProviderOptions = z.output<typeof openAIProviderOptionsSchema>;
