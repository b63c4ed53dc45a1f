import { Router, type Request, type Response } from 'express';
import { GatewayError } from '@tollgate/core';
import { createChatCompletionsHandler } from './handle-chat-completions.js';
import { createEmbeddingsHandler } from './handle-embeddings.js';
import { createMessagesHandler } from './handle-messages.js';
import { createModelsHandler } from './handle-models.js';
import type { HttpDependencies } from './http-dependencies.js';
import { sendError } from './send-error.js';

function methodNotAllowed(allowed: string) {
  return function handleMethodNotAllowed(req: Request, res: Response): void {
    res.setHeader('allow', allowed);
    sendError(res, new GatewayError('TOLLGATE_METHOD_NOT_ALLOWED', `${req.method} is not supported on ${req.baseUrl}${req.path}; use ${allowed}.`));
  };
}

/**
 * The gateway's Express router: OpenAI-compatible routes, the Anthropic-compatible `/v1/messages`, and
 * health checks. Mount it anywhere
 * (`app.use('/llm', router)`); paths it does not serve fall through to the host app.
 */
export function createRouter(dependencies: HttpDependencies): Router {
  const router = Router();
  router.post('/v1/chat/completions', createChatCompletionsHandler(dependencies));
  router.post('/v1/embeddings', createEmbeddingsHandler(dependencies));
  router.get('/v1/models', createModelsHandler(dependencies));
  router.post('/v1/messages', createMessagesHandler(dependencies));
  router.get('/health/live', function live(_req, res) {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', function ready(_req, res) {
    if (dependencies.tracker.draining) res.status(503).json({ status: 'draining' });
    else res.json({ status: 'ready' });
  });
  router.all(['/v1/chat/completions', '/v1/embeddings', '/v1/messages'], methodNotAllowed('POST'));
  router.all('/v1/models', methodNotAllowed('GET'));
  return router;
}

/** The last handler of the standalone server: anything unmatched gets a 404 in OpenAI's shape. */
export function notFound(req: Request, res: Response): void {
  sendError(res, new GatewayError('TOLLGATE_NOT_FOUND', `No route ${req.method} ${req.path}. Tollgate serves /v1/chat/completions, /v1/embeddings, /v1/messages, /v1/models, /health/live and /health/ready.`));
}
