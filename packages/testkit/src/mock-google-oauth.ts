import { verify, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { IssuedTokens } from './issued-tokens.js';
import { sendJson } from './mock-server.js';
import type { RecordedRequest } from './recorded-request.js';

/** The service account whose JWTs the mock's token endpoint accepts. */
export interface MockServiceAccount {
  readonly clientEmail: string;
  /** Checks each assertion's RS256 signature. */
  readonly publicKey: KeyObject | string;
}

/** The user (a refresh token from `gcloud auth application-default login`) the token endpoint accepts. */
export interface MockAuthorizedUser {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
}

/** Options of {@link MockGoogleOAuth}. */
export interface MockGoogleOAuthOptions {
  readonly serviceAccount?: MockServiceAccount;
  readonly authorizedUser?: MockAuthorizedUser;
  /** `expires_in` of every token issued (Google's: 3599). */
  readonly tokenLifetimeSeconds?: number;
  /** Answer the token endpoint (and the metadata server) with this status and OAuth error instead. */
  readonly failWith?: { readonly status: number; readonly error: string; readonly description: string };
}

const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const cloudPlatformScope = 'https://www.googleapis.com/auth/cloud-platform';

/**
 * Google's OAuth 2.0 token endpoint and a VM's metadata server, as Vertex AI's callers meet them:
 * `POST /token` exchanges a service account's signed JWT (RFC 7523: RS256 signature, `iss`, `aud` the
 * endpoint itself, the cloud-platform scope, at most an hour's life) or a user's refresh token for an
 * access token (`{access_token, expires_in, token_type}`), refusing anything else with OAuth's
 * `{error, error_description}`; `GET /computeMetadata/v1/instance/service-accounts/default/token`
 * issues one to a caller that sends `Metadata-Flavor: Google`. Remembers what it issued and when each
 * expires, so an upstream can refuse an unknown or expired token.
 */
export class MockGoogleOAuth {
  readonly #options: MockGoogleOAuthOptions;
  readonly #tokens = new IssuedTokens('ya29.mock-');

  constructor(options: MockGoogleOAuthOptions) {
    this.#options = options;
  }

  /** How many tokens were issued. */
  get issued(): number {
    return this.#tokens.count;
  }

  /** Whether `authorization` carries a token this mock issued that has not expired. */
  accepts(authorization: string | string[] | undefined): boolean {
    return this.#tokens.accepts(authorization);
  }

  /** Answers the request if it is the token endpoint's or the metadata server's; returns whether it did. */
  answer(request: RecordedRequest, res: ServerResponse, tokenURL: string): boolean {
    const path = request.path.split('?')[0];
    if (request.method === 'POST' && path === '/token') {
      this.#exchange(request, res, tokenURL);
      return true;
    }
    if (request.method === 'GET' && path === '/computeMetadata/v1/instance/service-accounts/default/token') {
      if (request.headers['metadata-flavor'] !== 'Google') {
        res.writeHead(403, { 'content-type': 'text/html' }).end('Missing required header: Metadata-Flavor');
        return true;
      }
      this.#issue(res);
      return true;
    }
    return false;
  }

  #exchange(request: RecordedRequest, res: ServerResponse, tokenURL: string): void {
    const refuse = (description: string, error = 'invalid_grant') => sendJson(res, 400, { error, error_description: description });
    if (request.headers['content-type'] !== 'application/x-www-form-urlencoded') return refuse('Bad Request', 'invalid_request');
    const form = new URLSearchParams(request.bodyText);
    const grant = form.get('grant_type');
    if (grant === jwtBearer) {
      const account = this.#options.serviceAccount;
      const parts = (form.get('assertion') ?? '').split('.');
      if (account === undefined || parts.length !== 3) return refuse('Invalid JWT Signature.');
      const [header, claims, signature] = parts as [string, string, string];
      if (!verify('sha256', Buffer.from(`${header}.${claims}`), account.publicKey, Buffer.from(signature, 'base64url'))) return refuse('Invalid JWT Signature.');
      const decoded = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg !== 'RS256') return refuse('Invalid JWT Signature.');
      if (decoded.iss !== account.clientEmail) return refuse('Invalid grant: account not found');
      if (decoded.aud !== tokenURL) return refuse('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
      const now = Date.now() / 1000;
      const iat = Number(decoded.iat);
      const exp = Number(decoded.exp);
      if (!(exp - iat <= 3600 && Math.abs(iat - now) < 300 && exp > now)) {
        return refuse('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
      }
      if (typeof decoded.scope !== 'string' || !decoded.scope.split(' ').includes(cloudPlatformScope)) return refuse('Invalid OAuth scope or ID token audience provided.', 'invalid_scope');
      return this.#issue(res);
    }
    if (grant === 'refresh_token') {
      const user = this.#options.authorizedUser;
      if (user === undefined || form.get('client_id') !== user.clientId || form.get('client_secret') !== user.clientSecret) return refuse('The OAuth client was not found.', 'invalid_client');
      if (form.get('refresh_token') !== user.refreshToken) return refuse('Token has been expired or revoked.');
      return this.#issue(res);
    }
    return refuse('Invalid grant_type: ' + String(grant), 'unsupported_grant_type');
  }

  #issue(res: ServerResponse): void {
    const failure = this.#options.failWith;
    if (failure !== undefined) return sendJson(res, failure.status, { error: failure.error, error_description: failure.description });
    const lifetime = this.#options.tokenLifetimeSeconds ?? 3599;
    const token = this.#tokens.issue(lifetime);
    sendJson(res, 200, { access_token: token, expires_in: lifetime, token_type: 'Bearer' });
  }
}
