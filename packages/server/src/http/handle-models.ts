import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, requestTags, requestTagsHeader, type ModelPrices, type Principal, type WireFormat } from '@tollgate/core';
import { toAnthropicModelInfo, toModelsPage } from '../ingress/anthropic/to-models-page.js';
import { answerAuthenticated } from './answer-authenticated.js';
import type { HttpDependencies } from './http-dependencies.js';
import { pathOf } from './path-of.js';

/** Where a model's own route begins: `GET /v1/models/{model}`. */
export const modelRoutePrefix = '/v1/models/';

/** Anthropic's shape for a client that sends `anthropic-version` (its SDKs always do), else OpenAI's. */
function wireOf(req: IncomingMessage): WireFormat {
  return req.headers['anthropic-version'] === undefined ? 'openai' : 'anthropic';
}

/** When the gateway started: the `created` of every model it lists. */
interface Created {
  /** Unix seconds, for OpenAI's shape. */
  readonly seconds: number;
  /** RFC 3339, for Anthropic's. */
  readonly iso: string;
}

function startedNow(): Created {
  const seconds = Math.floor(Date.now() / 1000);
  return { seconds, iso: new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') };
}

/** USD per million tokens (or per thousand calls) as OpenRouter's listing gives a price: USD per token (or call), a decimal string. */
function perUnit(price: number, units: number): string {
  return (price / units).toFixed(12).replace(/\.?0+$/, '');
}

/**
 * A model's prices as OpenRouter's `GET /api/v1/models` lists them (`pricing`: USD per token — the
 * images a model draws apart, `image_output` —, per request, per web search, as decimal strings), for
 * clients that show or pick models by price.
 */
function pricingOf(prices: ModelPrices): Record<string, string> {
  return {
    prompt: perUnit(prices.input, 1_000_000),
    completion: perUnit(prices.output, 1_000_000),
    ...(prices.cacheRead === undefined ? {} : { input_cache_read: perUnit(prices.cacheRead, 1_000_000) }),
    ...(prices.cacheWrite === undefined ? {} : { input_cache_write: perUnit(prices.cacheWrite, 1_000_000) }),
    ...(prices.request === undefined ? {} : { request: perUnit(prices.request, 1_000) }),
    ...(prices.webSearch === undefined ? {} : { web_search: perUnit(prices.webSearch, 1_000) }),
    ...(prices.imageOutput === undefined ? {} : { image_output: perUnit(prices.imageOutput, 1_000_000) }),
  };
}

function toOpenAIModel(id: string, created: Created, prices: ModelPrices | undefined, contextLength: number | undefined) {
  return { id, object: 'model', created: created.seconds, owned_by: 'tollgate', ...(contextLength === undefined ? {} : { context_length: contextLength }), ...(prices === undefined ? {} : { pricing: pricingOf(prices) }) };
}

/**
 * The models routes, with one `created` time for both:
 *
 * - `list` — `GET /v1/models`: the model names the caller's key may use, OpenAI's list (with each
 *   model's `pricing` and `context_length` as OpenRouter lists them, where the price table knows them), or
 *   Anthropic's page (`limit`, `after_id`, `before_id`) for a client that sends `anthropic-version`;
 * - `model` — `GET /v1/models/{model}`: one model, in either shape, when it routes on this gateway
 *   (listed, or taken by a wildcard family) and the caller's key may call it; else 404
 *   `model_not_found`, as OpenAI answers for a model the key cannot see. The name is URL-decoded
 *   (SDKs send `a/b` as `a%2Fb`).
 */
export function createModelsHandlers(dependencies: HttpDependencies) {
  const created = startedNow();
  const { engine } = dependencies.gateway;
  return {
    list(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const wire = wireOf(req);
      return answerAuthenticated(req, res, dependencies, (principal) => {
        const ids = engine.listModels(principal, tagsOf(req, principal));
        if (wire === 'anthropic') return toModelsPage(ids, new URL(req.url ?? '/', 'http://localhost').searchParams, created.iso);
        return { object: 'list', data: ids.map((id) => toOpenAIModel(id, created, engine.modelPrices(id), engine.modelContextWindow(id))) };
      }, wire);
    },
    model(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const wire = wireOf(req);
      return answerAuthenticated(req, res, dependencies, (principal) => {
        const model = modelOf(req.url ?? '');
        if (!engine.hasModel(model, principal, tagsOf(req, principal))) {
          throw new GatewayError('TOLLGATE_MODEL_NOT_FOUND', `The model "${model}" does not exist on this gateway, or this key may not call it. GET /v1/models lists the ones it may.`, { param: 'model' });
        }
        return wire === 'anthropic' ? toAnthropicModelInfo(model, created.iso) : toOpenAIModel(model, created, engine.modelPrices(model), engine.modelContextWindow(model));
      }, wire);
    },
  };
}

/** The tags a request of this caller would carry (its key's, and its own `x-tollgate-tags`): models no target of which serves them are not listed. */
function tagsOf(req: IncomingMessage, principal: Principal): readonly string[] | undefined {
  return requestTags(principal.tags, req.headers[requestTagsHeader]);
}

/** The model name in a `/v1/models/{model}` or `/models/{model}` URL (relative to the router's mount point). */
function modelOf(url: string): string {
  const path = pathOf(url);
  const encoded = path.slice(path.startsWith(modelRoutePrefix) ? modelRoutePrefix.length : '/models/'.length);
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `The model name in the path is not valid URL encoding: "${encoded}".`, { param: 'model' });
  }
}
