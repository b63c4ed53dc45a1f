import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, type GatewayConfig } from '@tollgate/core';
import { sendError } from './send-error.js';

/** The `server.cors` section of the config. */
export type CorsOptions = NonNullable<GatewayConfig['server']['cors']>;

/**
 * Applies CORS to a request on a gateway route, knowing the methods the route takes; returns true
 * when it answered the request itself (a preflight).
 */
export type CorsHandler = (req: IncomingMessage, res: ServerResponse, methods: ReadonlyMap<string, unknown>) => boolean;

/**
 * Browser access from the configured origins. A preflight (`OPTIONS` with
 * `access-control-request-method`) from an allowed origin gets 204 with the route's methods, the
 * headers it asked for (`authorization` cannot be granted by a wildcard) and `maxAgeSeconds`; from
 * another origin, 403 naming the setting. Other requests from an allowed origin carry
 * `access-control-allow-origin` and expose every response header (`x-request-id`, `x-tollgate-*`,
 * `x-ratelimit-*`, `retry-after`). Keys travel in headers, never cookies, so no credentials are
 * allowed. Requests without an `Origin` header (servers, SDKs outside a browser) are untouched.
 */
export function createCorsHandler(options: CorsOptions): CorsHandler {
  const anyOrigin = options.origins.includes('*');
  const origins = new Set(options.origins.map((origin) => origin.toLowerCase()));
  const maxAge = String(options.maxAgeSeconds);
  return function applyCors(req, res, methods) {
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    const allowed = anyOrigin || origins.has(origin.toLowerCase());
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!preflight) {
      if (allowed) {
        res.setHeader('access-control-allow-origin', anyOrigin ? '*' : origin);
        res.setHeader('access-control-expose-headers', '*');
        if (!anyOrigin) res.setHeader('vary', 'origin');
      }
      return false;
    }
    if (!allowed) {
      sendError(res, new GatewayError('TOLLGATE_ORIGIN_NOT_ALLOWED', `Pages on ${origin} may not call this gateway from a browser. Add the origin to \`server.cors.origins\`.`));
      return true;
    }
    const headers: Record<string, string> = {
      'access-control-allow-origin': anyOrigin ? '*' : origin,
      'access-control-allow-methods': [...methods.keys()].join(', '),
      'access-control-max-age': maxAge,
      vary: 'origin, access-control-request-headers',
      'content-length': '0',
    };
    const requested = req.headers['access-control-request-headers'];
    if (requested !== undefined) headers['access-control-allow-headers'] = requested;
    res.writeHead(204, headers);
    res.end();
    return true;
  };
}
