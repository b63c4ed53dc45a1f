import { request } from 'undici';
import { GatewayError, ProviderError, z } from '@tollgate/core';
import type { FetchedToken } from './renewing-token.js';

/** A token endpoint's (or a metadata service's) request for an access token. */
export interface OAuthTokenRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const seconds = z.union([z.number().positive(), z.string().regex(/^\d+$/)]);
// `expires_in` is a number at OAuth token endpoints, a string at Azure's instance metadata service;
// App Service's identity endpoint says `expires_on` (epoch seconds) instead.
const tokenAnswerSchema = z.looseObject({ access_token: z.string().min(1), expires_in: seconds.optional(), expires_on: seconds.optional() }).refine((answer) => answer.expires_in !== undefined || answer.expires_on !== undefined);
const tokenErrorSchema = z.looseObject({ error: z.string(), error_description: z.string().optional() });

/**
 * Asks a token endpoint for an access token on behalf of `provider`: `token.name` (`a Google access
 * token`) and `token.source` (`service account x@y`) name it in errors. An endpoint that cannot be reached is retryable
 * (502 `upstream_unreachable`); one that refuses the credentials is the provider's credential problem
 * (a 401 upstream, never retried), one that fails is retryable (503), both named with OAuth's `error`
 * and `error_description`, which carry no secret.
 */
export async function requestOAuthToken(provider: string, token: { readonly name: string; readonly source: string }, tokenRequest: OAuthTokenRequest): Promise<FetchedToken> {
  const { url, ...init } = tokenRequest;
  let answer: Awaited<ReturnType<typeof request>>;
  try {
    answer = await request(url, { ...init, headersTimeout: 30_000, bodyTimeout: 30_000 });
  } catch (error) {
    throw new GatewayError('TOLLGATE_UPSTREAM_UNREACHABLE', `Provider "${provider}" could not reach ${new URL(url).origin} for ${token.name} (${(error as Error).message}).`);
  }
  const text = await answer.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  if (answer.statusCode >= 400) {
    const checked = tokenErrorSchema.safeParse(json);
    const reason = checked.success ? `${checked.data.error}${checked.data.error_description === undefined ? '' : `: ${checked.data.error_description}`}` : `status ${answer.statusCode}`;
    // 4xx: the credentials are refused (a credential problem of the gateway's); 5xx: try again.
    throw new ProviderError(`Provider "${provider}" could not get ${token.name} with ${token.source}: ${reason}.`, { provider, upstreamStatus: answer.statusCode >= 500 ? 503 : 401, upstreamCode: 'token_refused' });
  }
  const checked = tokenAnswerSchema.safeParse(json);
  if (!checked.success) throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${provider}" got no ${token.name.replace(/^an? /, '')} from ${new URL(url).origin}.`);
  const lifetimeMs = checked.data.expires_in !== undefined ? Number(checked.data.expires_in) * 1000 : Number(checked.data.expires_on) * 1000 - Date.now();
  return { token: checked.data.access_token, lifetimeMs };
}
