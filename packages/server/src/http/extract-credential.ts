import type { IncomingHttpHeaders } from 'node:http';

/** The key a client presented: `Authorization: Bearer <key>`, else `x-api-key` (Anthropic clients). */
export function extractCredential(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match?.[1]?.trim();
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}
