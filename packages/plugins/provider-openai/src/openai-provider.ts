import type { Logger } from '@tollgate/core';
import { isOpenAICompletionsModel, isOpenAIReasoningModel, isOpenAIResponsesOnlyModel, OpenAICompatibleProvider, openAIAssistantMessageFields, openAIChatParams, openAIEmbeddingParams, openAIReasoningParams, paramDropper, VertexEndpoint, vertexBaseURL, vertexPlatform } from '@tollgate/provider-utils';
import type { OpenAIProviderOptions } from './openai-provider-options.js';

/**
 * A provider for OpenAI and OpenAI-compatible servers (vLLM, SGLang, Ollama, llama.cpp) by `baseURL`:
 * the body goes upstream unchanged where it can, streams pass through as bytes with usage tapped, and
 * usage is always asked for. Legacy completions clients pass through to `/completions` where the
 * upstream serves it, Responses API clients to `/responses` where the upstream
 * serves it (OpenAI's own API by default), and OpenAI's Responses-only models are reached through it
 * by every client. With `vertex`, Vertex AI's OpenAI-compatible endpoint, with a Google access token.
 */
export class OpenAIProvider extends OpenAICompatibleProvider {
  constructor(name: string, options: OpenAIProviderOptions, logger?: Logger) {
    const vertex = options.vertex === undefined ? undefined : new VertexEndpoint(name, options.vertex, logger);
    // On Vertex AI, `baseURL` (if any) is the address in place of the location's; the endpoint's path follows it.
    const baseURL = vertex === undefined ? options.baseURL! : `${(options.baseURL ?? vertexBaseURL(vertex.location)).replace(/\/+$/, '')}${vertex.endpointPath(options.vertex!.endpoint)}`;
    const priceProvider = options.priceProvider ?? (new URL(baseURL).hostname === 'api.openai.com' ? 'openai' : undefined);
    super({
      name,
      baseURL,
      timeouts: options.timeouts,
      maxConnections: options.maxConnections,
      headers: {
        'content-type': 'application/json',
        ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
        ...(options.organization === undefined ? {} : { 'openai-organization': options.organization }),
        ...(options.project === undefined ? {} : { 'openai-project': options.project }),
        ...options.headers,
      },
      secrets: options.apiKey === undefined ? [] : [options.apiKey],
      bearerToken: vertex === undefined ? undefined : () => vertex.accessToken.get(),
      priceProvider,
      platform: vertex === undefined ? undefined : vertexPlatform,
      requestUsageInStream: options.requestUsageInStream,
      dropParam: paramDropper(options.dropParams, openAIChatParams),
      dropMessageField: paramDropper(options.dropParams, openAIAssistantMessageFields),
      dropEmbeddingParam: paramDropper(options.dropParams, openAIEmbeddingParams),
      logger,
      // OpenAI's own API (its price provider says so) refuses `max_tokens` for its reasoning models.
      maxCompletionTokensOnly: priceProvider === 'openai' ? isOpenAIReasoningModel : undefined,
      // Each of its models takes its own efforts, and its reasoning models refuse sampling settings and
      // (but the newest) stop sequences: requests fitted to them (another server's go as sent).
      reasoningParams: priceProvider === 'openai' ? openAIReasoningParams : undefined,
      responsesAPI: options.responsesAPI ?? priceProvider === 'openai',
      // Legacy completions clients pass through; OpenAI's own API serves only its instruct models there.
      completionsAPI: options.completionsAPI,
      completionsModel: priceProvider === 'openai' ? isOpenAICompletionsModel : undefined,
      // Rerank requests pass through to `/rerank`; OpenAI's own API and Vertex AI's endpoint have none.
      rerank: options.rerankAPI ?? (priceProvider !== 'openai' && vertex === undefined),
      // Image requests pass through to `/images/generations`: OpenAI's own API serves them; another server when it says so.
      images: options.imagesAPI ?? priceProvider === 'openai',
      // Moderation requests pass through to `/moderations`: OpenAI's own API serves them (free); another server when it says so.
      moderations: options.moderationsAPI ?? priceProvider === 'openai',
      // Audio is transcribed at `/audio/transcriptions`: OpenAI's own API, the `groq` preset, and a vLLM or other server when it says so.
      transcriptions: options.transcriptionsAPI ?? priceProvider === 'openai',
      // Text is read aloud at `/audio/speech`; OpenAI's own API streams GPT-4o mini TTS as events with their usage (`tts-1` is billed by the character).
      speech: options.speechAPI ?? priceProvider === 'openai',
      speechEvents: priceProvider === 'openai' ? (model) => !model.startsWith('tts-1') : undefined,
      // Its Codex and -pro models answer on the Responses API only: every client's request goes there.
      responsesOnly: priceProvider === 'openai' ? isOpenAIResponsesOnlyModel : undefined,
      // It counts a request's input tokens, for Anthropic clients' count_tokens; a vLLM server tokenizes them.
      countsInputTokens: priceProvider === 'openai',
      tokenizeAPI: options.tokenizeAPI && priceProvider !== 'openai',
    });
  }
}
