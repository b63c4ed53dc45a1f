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

/** `gen_ai.provider.name` of a provider: its family (`priceProvider`), else its wire format (`openai` for any OpenAI-compatible server). */
export function providerName(provider: Provider): string {
  const family = provider.priceProvider ?? provider.wire;
  return wellKnownProviderNames[family] ?? family;
}

/** `gen_ai.provider.name` of an attempt's target (`provider/model`), from the route's targets; the instance name when it is not among them. */
export function attemptProviderName(context: GatewayContext, targetId: string): string {
  const target = context.targets.find((candidate) => candidate.id === targetId);
  return target === undefined ? targetId.split('/')[0]! : providerName(target.provider);
}

const isNumber = (value: unknown): value is number => typeof value === 'number';

/**
 * The request's settings as the GenAI conventions' recommended attributes: for chat, `max_tokens`
 * (or `max_completion_tokens`), sampling settings, stop sequences, seed, the choice count when not 1
 * and the output type asked for; for embeddings, the dimensions and encoding format.
 */
export function requestAttributes(context: GatewayContext): Attributes {
  const attributes: Attributes = {};
  if (context.operation === 'embeddings') {
    const { dimensions, encoding_format: encodingFormat } = context.request;
    if (isNumber(dimensions)) attributes['gen_ai.embeddings.dimension.count'] = dimensions;
    if (typeof encodingFormat === 'string') attributes['gen_ai.request.encoding_formats'] = [encodingFormat];
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
  const format = request.response_format?.type;
  if (format !== undefined) attributes['gen_ai.output.type'] = format === 'text' ? 'text' : 'json';
  return attributes;
}
