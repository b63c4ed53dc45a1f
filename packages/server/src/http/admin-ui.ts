import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from './gateway-routes.js';
import { pathOf } from './path-of.js';

/** The admin pages' files, shipped beside `src` and `dist` in the package's `ui` folder. */
const uiFolder = new URL('../../ui/', import.meta.url);

/**
 * Headers of every admin page file: its own scripts and styles only, API calls to this origin only,
 * never framed, no referrer, nothing cached that a new version would not replace.
 */
const securityHeaders = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Serves one file, read once when the routes are built. */
function staticFile(name: string, contentType: string): RouteHandler {
  const body = readFileSync(new URL(name, uiFolder));
  const headers = { ...securityHeaders, 'content-type': contentType, 'content-length': body.length };
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, headers);
    res.end(body);
  };
}

/**
 * The admin pages at `/admin/ui/` (`/admin/ui` redirects there): spend, virtual keys, budgets and the latest requests, read and
 * changed through the admin API with the master key the user types in (kept in the tab's session
 * storage, sent to this origin only). Static files, served without a key: they hold no data.
 */
export function adminUiRoutes(): [string, ReadonlyMap<string, RouteHandler>][] {
  const page = staticFile('index.html', 'text/html; charset=utf-8');
  // The page lives at `…/admin/ui/`, so its files and the API are found relative to it wherever the
  // router is mounted; `…/admin/ui` redirects there. (Express matches both paths to either route.)
  const pageOrRedirect = new Map([['GET', (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/');
    if (path.endsWith('/')) return page(req, res);
    res.writeHead(301, { location: 'ui/', 'content-length': 0 }).end();
  }]]);
  return [
    ['/admin/ui', pageOrRedirect],
    ['/admin/ui/', pageOrRedirect],
    ['/admin/ui/app.js', new Map([['GET', staticFile('app.js', 'text/javascript; charset=utf-8')]])],
    ['/admin/ui/app.css', new Map([['GET', staticFile('app.css', 'text/css; charset=utf-8')]])],
  ];
}
