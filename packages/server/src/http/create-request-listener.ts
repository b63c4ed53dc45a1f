import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsHandler } from './cors.js';
import { sendMethodNotAllowed, sendNotFound, servedRoutesText, type GatewayRoutes, type RouteHandler } from './gateway-routes.js';
import { pathOf } from './path-of.js';

/**
 * The standalone server's request listener: an exact-match lookup in the route table, then the
 * handler. The same handlers as the Express router, without Express's per-request work (prototype
 * swaps, layer matching), which cost about 8 % of CPU at 64 connections in the bench profile. Prefix
 * routes (`/v1/models/*`) are tried only when no exact path matched. With `cors`, browsers' requests
 * from other origins are answered or marked by it first.
 */
export function createRequestListener(routes: GatewayRoutes, cors?: CorsHandler): (req: IncomingMessage, res: ServerResponse) => void {
  const prefixRoutes = [...routes].filter(([path]) => path.endsWith('*')).map(([path, methods]) => ({ prefix: path.slice(0, -1), methods }));
  const byPrefix = (path: string): ReadonlyMap<string, RouteHandler> | undefined =>
    prefixRoutes.find(({ prefix }) => path.length > prefix.length && path.startsWith(prefix))?.methods;
  const served = servedRoutesText(routes);
  return function handleRequest(req, res) {
    const path = pathOf(req.url ?? '/');
    const methods = routes.get(path) ?? byPrefix(path);
    if (methods === undefined) return sendNotFound(res, req.method ?? 'GET', path, served);
    if (cors !== undefined && cors(req, res, methods)) return;
    // HEAD is answered as GET, as Express does: Node leaves the body out of a HEAD answer.
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const handler = methods.get(method);
    if (handler === undefined) return sendMethodNotAllowed(res, req.method ?? 'GET', path, methods);
    void handler(req, res);
  };
}
