import { GatewayError } from '@tollgate/core';

/** Fallback models a client may name at most. */
const maxFallbackModels = 10;

/** A parsed JSON body with its bytes, as `readJsonBody` gives it. */
interface JsonBody {
  readonly value: unknown;
  readonly raw: Uint8Array | undefined;
}

/** A body with the fallback models its client named taken out of it. */
export interface BodyWithFallbacks extends JsonBody {
  readonly fallbackModels?: readonly string[];
}

/**
 * The model name of a `fallbacks` entry: a name (LiteLLM's), or `{ model }` (OpenRouter's Messages
 * shape); undefined for anything else — an entry with more than its model (LiteLLM's per-fallback
 * `messages`) is refused rather than sent without what it asked for.
 */
function fallbackName(entry: unknown): unknown {
  if (typeof entry !== 'object' || entry === null) return entry;
  const fields = Object.keys(entry);
  return fields.length === 1 && fields[0] === 'model' ? (entry as { model: unknown }).model : undefined;
}

/** The model names of `models` (OpenRouter: names) or `fallbacks` (names, or `{ model }`). */
function modelNames(value: unknown, field: 'models' | 'fallbacks'): string[] {
  const names = Array.isArray(value) ? value.map((entry: unknown) => (field === 'fallbacks' ? fallbackName(entry) : entry)) : undefined;
  if (names === undefined || names.length > maxFallbackModels || !names.every((name): name is string => typeof name === 'string' && name !== '')) {
    const entries = field === 'fallbacks' ? 'model names (or `{ "model": … }` with nothing else)' : 'model names';
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `\`${field}\` must be a list of at most ${maxFallbackModels} ${entries}.`, { param: field });
  }
  return names;
}

/**
 * A chat body (of any chat ingress: chat completions, Messages, Responses, legacy completions) without
 * the fields that name fallback models — OpenRouter's `models` (the first is the model when `model` is
 * left out) and `route: "fallback"`, LiteLLM's `fallbacks`, OpenRouter's Messages `fallbacks: [{ model
 * }]` — and those models, in order, without `model` or repeats, for the engine to try. No upstream
 * takes these fields (OpenAI refuses them with 400), so a body with one is encoded again without it;
 * any other body is returned as it is.
 */
export function takeFallbackModels(body: JsonBody): BodyWithFallbacks {
  const value = body.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('models' in value || 'fallbacks' in value || 'route' in value)) return body;
  const { models, fallbacks, route, ...rest } = value as Record<string, unknown>;
  if (route !== undefined && route !== 'fallback') {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', '`route` may only be "fallback" (OpenRouter\'s): the models of `models` are tried in order.', { param: 'route' });
  }
  const named = [...(models === undefined ? [] : modelNames(models, 'models')), ...(fallbacks === undefined ? [] : modelNames(fallbacks, 'fallbacks'))];
  const model = typeof rest.model === 'string' && rest.model !== '' ? rest.model : named[0];
  const request = model === undefined ? rest : { ...rest, model };
  const fallbackModels = [...new Set(named)].filter((name) => name !== model);
  return { value: request, raw: Buffer.from(JSON.stringify(request)), ...(fallbackModels.length === 0 ? {} : { fallbackModels }) };
}
