/**
 * What a preset sets: the base URL, the price-table id, whether the service needs a key, whether it
 * serves OpenAI's legacy completions at `/completions` (the `completionsAPI` default), and whether it
 * tokenizes at `/tokenize` (the `tokenizeAPI` default) or serves OpenAI's Images API (the `imagesAPI` default) or audio transcriptions (`transcriptionsAPI`).
 */
export interface OpenAICompatiblePreset {
  readonly baseURL: string;
  readonly priceProvider: string | undefined;
  readonly hosted: boolean;
  readonly completionsAPI: boolean;
  /** Whether the server tokenizes chat requests at `/tokenize` beside its API (vLLM): the `tokenizeAPI` default. */
  readonly tokenizeAPI?: boolean;
  /** Whether the service generates images at `/images/generations` (Together's FLUX models, xAI's Grok image models): the `imagesAPI` default. */
  readonly imagesAPI?: boolean;
  /** Whether the service transcribes audio at `/audio/transcriptions` (Groq's Whisper models): the `transcriptionsAPI` default. */
  readonly transcriptionsAPI?: boolean;
}

/**
 * One-line configs for OpenAI-compatible services and servers (`{ type: openai, preset: groq }`).
 * Base URLs are the services' documented OpenAI-compatible endpoints; price ids are the
 * `@pydantic/genai-prices` provider ids whose API pattern matches those hosts. An explicit `baseURL`
 * or `priceProvider` wins (a local server on another port).
 */
export const openAICompatiblePresets = {
  groq: { baseURL: 'https://api.groq.com/openai/v1', priceProvider: 'groq', hosted: true, completionsAPI: false, transcriptionsAPI: true },
  mistral: { baseURL: 'https://api.mistral.ai/v1', priceProvider: 'mistral', hosted: true, completionsAPI: false },
  deepseek: { baseURL: 'https://api.deepseek.com/v1', priceProvider: 'deepseek', hosted: true, completionsAPI: false },
  together: { baseURL: 'https://api.together.xyz/v1', priceProvider: 'together', hosted: true, completionsAPI: true, imagesAPI: true },
  fireworks: { baseURL: 'https://api.fireworks.ai/inference/v1', priceProvider: 'fireworks', hosted: true, completionsAPI: true },
  xai: { baseURL: 'https://api.x.ai/v1', priceProvider: 'x-ai', hosted: true, completionsAPI: false, imagesAPI: true },
  perplexity: { baseURL: 'https://api.perplexity.ai', priceProvider: 'perplexity', hosted: true, completionsAPI: false },
  cerebras: { baseURL: 'https://api.cerebras.ai/v1', priceProvider: 'cerebras', hosted: true, completionsAPI: false },
  vllm: { baseURL: 'http://127.0.0.1:8000/v1', priceProvider: undefined, hosted: false, completionsAPI: true, tokenizeAPI: true },
  sglang: { baseURL: 'http://127.0.0.1:30000/v1', priceProvider: undefined, hosted: false, completionsAPI: true },
  ollama: { baseURL: 'http://127.0.0.1:11434/v1', priceProvider: undefined, hosted: false, completionsAPI: true },
  lmstudio: { baseURL: 'http://127.0.0.1:1234/v1', priceProvider: undefined, hosted: false, completionsAPI: true },
  llamacpp: { baseURL: 'http://127.0.0.1:8080/v1', priceProvider: undefined, hosted: false, completionsAPI: true },
} as const satisfies Record<string, OpenAICompatiblePreset>;

/** A preset's name. */
export type PresetName = keyof typeof openAICompatiblePresets;
