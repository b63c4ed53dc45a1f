import type { Attributes } from '@opentelemetry/api';
import type { GatewayContext, Provider } from '@tollgate/core';

/**
 * Tollgate's provider families (a provider's `priceProvider`) that OpenTelemetry names otherwise in
 * its well-known `gen_ai.provider.name` values; the others (`openai`, `anthropic`, `groq`,
 * `deepseek`, `perplexity`…) are spelled the same, and unknown ones pass as they are.
 */
const wellKnownProviderNames: Readonly<Record<string, string>> = {
  aws: 'aws.bedrock',
  azure: 'azure.ai.openai',
  google: 'gcp.gemini',
  mistral: 'mistral_ai',
  'x-ai': 'x_ai',
};

const isNumber = (value: unknown): value is number => typeof value === 'number';

/**
 * `gen_ai.provider.name` of a provider: the platform serving it when it says one (`gcp.vertex_ai`), else
 * its family (`priceProvider`), else its wire format (`openai` for any OpenAI-compatible server).
 */
export function providerName(provider: Provider): string {
  if (provider.platform !== undefined) return provider.platform;
  const family = provider.priceProvider ?? provider.wire;
  return wellKnownProviderNames[family] ?? family;
}

/**
 * `gen_ai.provider.name` and `gen_ai.request.model` of an attempt's target (`provider/model`), from the
 * route's targets and refusal fallbacks; the instance name and the model written after it when the
 * target is among neither.
 */
export function attemptTargetAttributes(context: GatewayContext, targetId: string): Attributes & { 'gen_ai.request.model': string } {
  const target = context.targets.find((candidate) => candidate.id === targetId) ?? context.fallbackTargets.find((candidate) => candidate.id === targetId);
  if (target !== undefined) return { 'gen_ai.provider.name': providerName(target.provider), 'gen_ai.request.model': target.model, ...serverAttributes(target.provider) };
  const slash = targetId.indexOf('/');
  return { 'gen_ai.provider.name': targetId.slice(0, slash), 'gen_ai.request.model': targetId.slice(slash + 1) };
}

/** `server.address` and `server.port` of each provider's upstream, worked out once. */
const serverAttributesOf = new WeakMap<Provider, Attributes>();

/** `server.address` and `server.port` of a provider's upstream (the port its scheme implies when its origin names none); none without an origin. */
function serverAttributes(provider: Provider): Attributes {
  let attributes = serverAttributesOf.get(provider);
  if (attributes === undefined) {
    const url = provider.origin === undefined || !URL.canParse(provider.origin) ? undefined : new URL(provider.origin);
    attributes = url === undefined ? {} : { 'server.address': url.hostname.replace(/^\[(.*)\]$/, '$1'), 'server.port': url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port) };
    serverAttributesOf.set(provider, attributes);
  }
  return attributes;
}

/**
 * What the answer says of itself, as the GenAI conventions name it: its id, each choice's finish
 * reason, the model that answered, the service tier it was served at (`openai.response.service_tier`), and its tokens (cache reads and writes of the input, reasoning of
 * the output, each a part of its total).
 */
export function responseAttributes(context: GatewayContext): Attributes {
  const attributes: Attributes = {};
  if (context.responseId !== undefined) attributes['gen_ai.response.id'] = context.responseId;
  if (context.finishReasons !== undefined) attributes['gen_ai.response.finish_reasons'] = [...context.finishReasons];
  if (context.upstreamModel !== undefined) attributes['gen_ai.response.model'] = context.upstreamModel;
  if (context.serviceTier !== undefined) attributes['openai.response.service_tier'] = context.serviceTier;
  const usage = context.usage;
  if (usage === undefined) return attributes;
  attributes['gen_ai.usage.input_tokens'] = usage.prompt_tokens;
  attributes['gen_ai.usage.output_tokens'] = usage.completion_tokens;
  const cacheRead = usage.prompt_tokens_details?.cached_tokens;
  const cacheWrite = usage.prompt_tokens_details?.cache_write_tokens;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (isNumber(cacheRead) && cacheRead > 0) attributes['gen_ai.usage.cache_read.input_tokens'] = cacheRead;
  if (isNumber(cacheWrite) && cacheWrite > 0) attributes['gen_ai.usage.cache_creation.input_tokens'] = cacheWrite;
  if (isNumber(reasoning) && reasoning > 0) attributes['gen_ai.usage.reasoning.output_tokens'] = reasoning;
  return attributes;
}

/**
 * The request's settings as the GenAI conventions' recommended attributes: for chat, `max_tokens`
 * (or `max_completion_tokens`), sampling settings, stop sequences, seed, the choice count when not 1
 * the output type and the service tier asked for; for embeddings, the dimensions and encoding format;
 * for reranking, the documents ranked and how many of the best are returned (Tollgate's names: the
 * conventions define none); for images, the output type `image` and the image count when not 1; for speech, the output type `speech`.
 */
export function requestAttributes(context: GatewayContext): Attributes {
  const attributes: Attributes = {};
  if (context.operation === 'embeddings') {
    const { dimensions, encoding_format: encodingFormat } = context.request;
    if (isNumber(dimensions)) attributes['gen_ai.embeddings.dimension.count'] = dimensions;
    if (typeof encodingFormat === 'string') attributes['gen_ai.request.encoding_formats'] = [encodingFormat];
    return attributes;
  }
  if (context.operation === 'rerank') {
    const topN = context.request.top_n;
    if (isNumber(topN)) attributes['tollgate.rerank.top_n'] = topN;
    attributes['tollgate.rerank.documents'] = context.request.documents.length;
    return attributes;
  }
  if (context.operation === 'moderations' || context.operation === 'transcriptions') return attributes;
  if (context.operation === 'speech') {
    attributes['gen_ai.output.type'] = 'speech';
    return attributes;
  }
  if (context.operation === 'images') {
    attributes['gen_ai.output.type'] = 'image';
    const count = context.request.n;
    if (isNumber(count) && count !== 1) attributes['gen_ai.request.choice.count'] = count;
    return attributes;
  }
  const request = context.request;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (isNumber(maxTokens)) attributes['gen_ai.request.max_tokens'] = maxTokens;
  if (isNumber(request.temperature)) attributes['gen_ai.request.temperature'] = request.temperature;
  if (isNumber(request.top_p)) attributes['gen_ai.request.top_p'] = request.top_p;
  if (isNumber(request.frequency_penalty)) attributes['gen_ai.request.frequency_penalty'] = request.frequency_penalty;
  if (isNumber(request.presence_penalty)) attributes['gen_ai.request.presence_penalty'] = request.presence_penalty;
  if (isNumber(request.seed)) attributes['gen_ai.request.seed'] = request.seed;
  if (isNumber(request.n) && request.n !== 1) attributes['gen_ai.request.choice.count'] = request.n;
  if (typeof request.stop === 'string') attributes['gen_ai.request.stop_sequences'] = [request.stop];
  else if (Array.isArray(request.stop)) attributes['gen_ai.request.stop_sequences'] = request.stop.filter((sequence) => typeof sequence === 'string');
  if (typeof request.service_tier === 'string') attributes['openai.request.service_tier'] = request.service_tier;
  const format = request.response_format?.type;
  if (format !== undefined) attributes['gen_ai.output.type'] = format === 'text' ? 'text' : 'json';
  return attributes;
}
