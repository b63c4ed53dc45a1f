import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, MetricsEndpoint } from '@tollgate/core';
import { createAdminRoutes } from './admin-routes.js';
import { adminUiRoutes } from './admin-ui.js';
import { createChatCompletionsHandler } from './handle-chat-completions.js';
import { createCompletionsHandler } from './handle-completions.js';
import { anthropicTokenCounting, createCountTokensHandler, responsesTokenCounting } from './handle-count-tokens.js';
import { createGenerationHandler } from './handle-generation.js';
import { createImageEditsHandler } from './handle-image-edits.js';
import { createKeyInfoHandler } from './handle-key-info.js';
import { createMessagesHandler } from './handle-messages.js';
import { createModelsHandlers, modelRoutePrefix } from './handle-models.js';
import { createKeptResponsesHandlers, responseRoutePrefix } from './handle-kept-responses.js';
import { createResponsesHandler, responseKeepingOf } from './handle-responses.js';
import { createResponsesCompactHandler } from './handle-responses-compact.js';
import { createSpeechHandler } from './handle-speech.js';
import { createTranscriptionsHandler } from './handle-transcriptions.js';
import { createWholeAnswerHandler } from './handle-whole-answer.js';
import type { HttpDependencies } from './http-dependencies.js';
import { sendError } from './send-error.js';
import { sendJson } from './send-json.js';

/** A route handler on Node's own request and response (Express's extend them, so it serves both). */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The gateway's routes: path → method → handler. Built once; shared by the Express router and the
 * standalone server. A path ending in `*` takes every path that begins with what precedes the star.
 */
export type GatewayRoutes = ReadonlyMap<string, ReadonlyMap<string, RouteHandler>>;

/** OpenAI's routes that the standalone server also serves without their `/v1` prefix. */
const unversionedOpenAIRoutes = ['/v1/chat/completions', '/v1/completions', '/v1/responses', '/v1/responses/input_tokens', '/v1/responses/compact', '/v1/embeddings', '/v1/rerank', '/v1/images/generations', '/v1/images/edits', '/v1/moderations', '/v1/audio/transcriptions', '/v1/audio/translations', '/v1/audio/speech', '/v1/models', `${modelRoutePrefix}*`, `${responseRoutePrefix}*`];

/**
 * The route table with OpenAI's routes also without `/v1`, as the LiteLLM proxy serves them, so a
 * client whose base URL lacks `/v1` (LiteLLM's own examples) works unchanged. For the standalone
 * server only: mounted in a host app, the router keeps to its `/v1` paths and leaves the host's own
 * `/models` or `/embeddings` alone.
 */
export function withUnversionedOpenAIRoutes(routes: GatewayRoutes): GatewayRoutes {
  const all = new Map(routes);
  for (const path of unversionedOpenAIRoutes) {
    const methods = routes.get(path);
    if (methods !== undefined) all.set(path.slice('/v1'.length), methods);
  }
  return all;
}

/** Builds the route table: OpenAI-compatible routes (`/v1/chat/completions`, `/v1/completions`, `/v1/responses`, …), `/v1/messages`, health checks, and the admin API when a key store is loaded. */
export function createGatewayRoutes(dependencies: HttpDependencies): GatewayRoutes {
  const post = (handler: RouteHandler) => new Map([['POST', handler]]);
  const get = (handler: RouteHandler) => new Map([['GET', handler]]);
  const metrics = dependencies.gateway.resolve(MetricsEndpoint);
  const models = createModelsHandlers(dependencies);
  const rerank = createWholeAnswerHandler(dependencies, 'rerank') as RouteHandler;
  const keeping = responseKeepingOf(dependencies);
  const keptResponses = keeping === undefined ? undefined : createKeptResponsesHandlers(dependencies, keeping);
  const routes = new Map<string, ReadonlyMap<string, RouteHandler>>([
    ['/v1/chat/completions', post(createChatCompletionsHandler(dependencies) as RouteHandler)],
    ['/v1/completions', post(createCompletionsHandler(dependencies) as RouteHandler)],
    ['/v1/responses', post(createResponsesHandler(dependencies, keeping) as RouteHandler)],
    ['/v1/responses/input_tokens', post(createCountTokensHandler(dependencies, responsesTokenCounting) as RouteHandler)],
    ['/v1/responses/compact', post(createResponsesCompactHandler(dependencies) as RouteHandler)],
    ['/v1/embeddings', post(createWholeAnswerHandler(dependencies, 'embeddings') as RouteHandler)],
    ['/v1/rerank', post(rerank)],
    // Where Cohere's SDKs post (`{base}/v2/rerank`).
    ['/v2/rerank', post(rerank)],
    ['/v1/images/generations', post(createWholeAnswerHandler(dependencies, 'images') as RouteHandler)],
    ['/v1/images/edits', post(createImageEditsHandler(dependencies) as RouteHandler)],
    ['/v1/moderations', post(createWholeAnswerHandler(dependencies, 'moderations') as RouteHandler)],
    ['/v1/audio/transcriptions', post(createTranscriptionsHandler(dependencies, 'transcribe') as RouteHandler)],
    ['/v1/audio/translations', post(createTranscriptionsHandler(dependencies, 'translate') as RouteHandler)],
    ['/v1/audio/speech', post(createSpeechHandler(dependencies) as RouteHandler)],
    ['/v1/messages', post(createMessagesHandler(dependencies) as RouteHandler)],
    ['/v1/messages/count_tokens', post(createCountTokensHandler(dependencies, anthropicTokenCounting) as RouteHandler)],
    ['/v1/models', get(models.list)],
    [`${modelRoutePrefix}*`, get(models.model)],
    ['/v1/key', get(createKeyInfoHandler(dependencies) as RouteHandler)],
    ['/v1/generation', get(createGenerationHandler(dependencies) as RouteHandler)],
    ['/health/live', get((_req, res) => sendJson(res, 200, { status: 'ok' }))],
    ['/health/ready', get((_req, res) => (dependencies.tracker.draining ? sendJson(res, 503, { status: 'draining' }) : sendJson(res, 200, { status: 'ready' })))],
  ]);
  // The responses the gateway keeps, with a `ResponseStore`.
  if (keptResponses !== undefined) routes.set(`${responseRoutePrefix}*`, new Map([['GET', keptResponses.get as RouteHandler], ['DELETE', keptResponses.delete as RouteHandler]]));
  const adminRoutes = createAdminRoutes(dependencies);
  if (adminRoutes !== undefined) for (const [path, methods] of [...adminRoutes, ...adminUiRoutes()]) routes.set(path, methods);
  if (metrics !== undefined) {
    // Served like health checks, without a key: scrape it from inside the network.
    routes.set('/metrics', get(async (_req, res) => {
      const text = await metrics.render();
      res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    }));
  }
  return routes;
}

/** Answers 405 for a known path with another method, naming the ones it takes. */
export function sendMethodNotAllowed(res: ServerResponse, method: string, path: string, methods: ReadonlyMap<string, RouteHandler>): void {
  const allowed = [...methods.keys()].join(', ');
  res.setHeader('allow', allowed);
  sendError(res, new GatewayError('TOLLGATE_METHOD_NOT_ALLOWED', `${method} is not supported on ${path}; use ${allowed}.`));
}

/**
 * The routes a 404 names: every path of the table but the unversioned copies of OpenAI's and the
 * admin API's (named once, by its prefix), a prefix route as its parameter (`/v1/models/{id}`).
 */
export function servedRoutesText(routes: GatewayRoutes): string {
  const paths = [...routes.keys()].filter((path) => path.startsWith('/v') || path.startsWith('/health') || path === '/metrics').map((path) => path.replace(/\*$/, '{id}'));
  const admin = [...routes.keys()].some((path) => path.startsWith('/admin/')) ? ', the admin API under /admin' : '';
  return `${paths.join(', ')}${admin}`;
}

/** Answers 404 in OpenAI's shape, naming the routes served (see {@link servedRoutesText}). */
export function sendNotFound(res: ServerResponse, method: string, path: string, served: string): void {
  sendError(res, new GatewayError('TOLLGATE_NOT_FOUND', `No route ${method} ${path}. Tollgate serves ${served}.`));
}
