import { Router } from 'express';
import type { CorsHandler } from './cors.js';
import { sendMethodNotAllowed, type GatewayRoutes } from './gateway-routes.js';

/**
 * The gateway's Express router, for mounting in an existing app (`app.use('/llm', router)`): the
 * gateway's routes, 405 for a wrong method on them; other paths fall through to the host app. A
 * prefix route (`/v1/models/*`) becomes Express's named wildcard (`/v1/models/*rest`). With `cors`,
 * browsers' requests from other origins are answered or marked by it first.
 */
export function createRouter(routes: GatewayRoutes, cors?: CorsHandler): Router {
  const router = Router();
  for (const [route, methods] of routes) {
    const path = route.endsWith('*') ? `${route}rest` : route;
    if (cors !== undefined) router.all(path, (req, res, next) => void (cors(req, res, methods) || next()));
    for (const [method, handler] of methods) router[method.toLowerCase() as 'get' | 'post' | 'delete'](path, handler);
    router.all(path, (req, res) => sendMethodNotAllowed(res, req.method, `${req.baseUrl}${req.path}`, methods));
  }
  return router;
}
