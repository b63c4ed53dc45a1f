import { sign } from 'node:crypto';
import { request } from 'undici';
import { GatewayError, ProviderError, z } from '@tollgate/core';
import type { GoogleCredentials } from './google-credentials.js';

/** The OAuth scope Vertex AI's API takes. */
const cloudPlatformScope = 'https://www.googleapis.com/auth/cloud-platform';
/** A token is renewed this long before it expires (or at three quarters of a shorter life), in the background. */
const renewAheadMs = 5 * 60_000;
/** Past this long before it expires (or nine tenths of a shorter life), a request waits for the new token. */
const mustRenewAheadMs = 60_000;

const tokenAnswerSchema = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive() });
const tokenErrorSchema = z.looseObject({ error: z.string(), error_description: z.string().optional() });

/** The token endpoint's (or the metadata server's) request for a token. */
interface TokenRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/**
 * How each kind of credentials asks for a token: a service account posts its signed JWT (the
 * `jwt-bearer` grant), a user its refresh token, a workload asks its metadata server.
 */
function tokenRequestOf(credentials: Exclude<GoogleCredentials, { kind: 'access-token' }>, nowMs: number): TokenRequest {
  if (credentials.kind === 'metadata-server') {
    return { url: `${credentials.origin}/computeMetadata/v1/instance/service-accounts/default/token`, method: 'GET', headers: { 'metadata-flavor': 'Google' } };
  }
  const form: Record<string, string> =
    credentials.kind === 'service-account'
      ? { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: signedAssertion(credentials, Math.floor(nowMs / 1000)) }
      : { grant_type: 'refresh_token', client_id: credentials.clientId, client_secret: credentials.clientSecret, refresh_token: credentials.refreshToken };
  return { url: credentials.tokenURL, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() };
}

interface HeldToken {
  readonly token: string;
  /** From here a new token is fetched in the background while this one still serves. */
  readonly renewAt: number;
  /** From here requests wait for the new token. */
  readonly mustRenewAt: number;
}

function base64url(json: object): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

/** A service account's JWT assertion for the token endpoint (RFC 7523), signed RS256 with its key. */
function signedAssertion(credentials: Extract<GoogleCredentials, { kind: 'service-account' }>, nowSeconds: number): string {
  const header = base64url({ alg: 'RS256', typ: 'JWT', ...(credentials.privateKeyId === undefined ? {} : { kid: credentials.privateKeyId }) });
  const claims = base64url({ iss: credentials.clientEmail, scope: cloudPlatformScope, aud: credentials.tokenURL, iat: nowSeconds, exp: nowSeconds + 3600 });
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), credentials.privateKey).toString('base64url');
  return `${header}.${claims}.${signature}`;
}

/**
 * A Google OAuth access token for one provider instance: fetched when first needed, renewed in the
 * background from five minutes before it expires (requests go on with it meanwhile, so none waits for
 * Google), waited for only in its last minute; one fetch however many requests ask. A token the
 * config gives is used as it is. A token endpoint that refuses the credentials is the provider's
 * credential problem (a 401 upstream, never retried); one that cannot be reached or fails is
 * retryable. No token, key or refresh token ever appears in an error.
 */
export class GoogleAccessToken {
  readonly #provider: string;
  readonly #credentials: GoogleCredentials;
  readonly #now: () => number;
  #held: HeldToken | undefined;
  #renewing: Promise<string> | undefined;

  constructor(provider: string, credentials: GoogleCredentials, now: () => number = Date.now) {
    this.#provider = provider;
    this.#credentials = credentials;
    this.#now = now;
  }

  /** How the token is obtained, for messages (`service account x@y`, `metadata server`). */
  get source(): string {
    const credentials = this.#credentials;
    if (credentials.kind === 'service-account') return `service account ${credentials.clientEmail}`;
    if (credentials.kind === 'authorized-user') return "a user's application-default credentials";
    if (credentials.kind === 'metadata-server') return `the metadata server at ${credentials.origin}`;
    return 'the configured accessToken';
  }

  /** A valid access token. */
  get(): Promise<string> {
    const credentials = this.#credentials;
    if (credentials.kind === 'access-token') return Promise.resolve(credentials.token);
    const held = this.#held;
    const now = this.#now();
    if (held !== undefined && now < held.renewAt) return Promise.resolve(held.token);
    this.#renewing ??= this.#fetch(credentials).finally(() => {
      this.#renewing = undefined;
    });
    if (held === undefined || now >= held.mustRenewAt) return this.#renewing;
    // A failed background renewal is tried again by a later request; the last minute's waits report it.
    this.#renewing.catch(() => undefined);
    return Promise.resolve(held.token);
  }

  async #fetch(credentials: Exclude<GoogleCredentials, { kind: 'access-token' }>): Promise<string> {
    const startedAt = this.#now();
    // The JWT's times are Google's wall clock, whatever clock the cache keeps.
    const { url, ...init } = tokenRequestOf(credentials, Date.now());
    let answer: Awaited<ReturnType<typeof request>>;
    try {
      answer = await request(url, { ...init, headersTimeout: 30_000, bodyTimeout: 30_000 });
    } catch (error) {
      throw new GatewayError('TOLLGATE_UPSTREAM_UNREACHABLE', `Provider "${this.#provider}" could not reach ${new URL(url).origin} for a Google access token (${(error as Error).message}).`);
    }
    const text = await answer.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = undefined;
    }
    if (answer.statusCode >= 400) throw this.#refused(answer.statusCode, json);
    const checked = tokenAnswerSchema.safeParse(json);
    if (!checked.success) throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${this.#provider}" got no access token from ${new URL(url).origin}.`);
    const lifetimeMs = checked.data.expires_in * 1000;
    const expiresAt = startedAt + lifetimeMs;
    this.#held = { token: checked.data.access_token, renewAt: expiresAt - Math.min(renewAheadMs, lifetimeMs / 4), mustRenewAt: expiresAt - Math.min(mustRenewAheadMs, lifetimeMs / 10) };
    return checked.data.access_token;
  }

  /** The token endpoint's refusal: OAuth's `error` and description, which name no secret. */
  #refused(status: number, json: unknown): ProviderError {
    const checked = tokenErrorSchema.safeParse(json);
    const reason = checked.success ? `${checked.data.error}${checked.data.error_description === undefined ? '' : `: ${checked.data.error_description}`}` : `status ${status}`;
    // 4xx: the credentials are refused (a credential problem of the gateway's); 5xx: try again.
    const upstreamStatus = status >= 500 ? 503 : 401;
    return new ProviderError(`Provider "${this.#provider}" could not get a Google access token with ${this.source}: ${reason}.`, { provider: this.#provider, upstreamStatus, upstreamCode: 'google_auth_failed' });
  }
}
