import type { GoogleCredentials } from './google-credentials.js';
import { RenewingToken } from './renewing-token.js';
import { requestOAuthToken, type OAuthTokenRequest } from './request-oauth-token.js';
import { signedJwt } from './signed-jwt.js';

/** The OAuth scope Vertex AI's API takes. */
const cloudPlatformScope = 'https://www.googleapis.com/auth/cloud-platform';

/**
 * How each kind of credentials asks for a token: a service account posts its signed JWT (the
 * `jwt-bearer` grant), a user its refresh token, a workload asks its metadata server.
 */
function tokenRequestOf(credentials: Exclude<GoogleCredentials, { kind: 'access-token' }>, nowMs: number): OAuthTokenRequest {
  if (credentials.kind === 'metadata-server') {
    return { url: `${credentials.origin}/computeMetadata/v1/instance/service-accounts/default/token`, method: 'GET', headers: { 'metadata-flavor': 'Google' } };
  }
  const form: Record<string, string> =
    credentials.kind === 'service-account'
      ? { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: signedAssertion(credentials, Math.floor(nowMs / 1000)) }
      : { grant_type: 'refresh_token', client_id: credentials.clientId, client_secret: credentials.clientSecret, refresh_token: credentials.refreshToken };
  return { url: credentials.tokenURL, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() };
}

/** A service account's JWT assertion for the token endpoint (RFC 7523), signed RS256 with its key. */
function signedAssertion(credentials: Extract<GoogleCredentials, { kind: 'service-account' }>, nowSeconds: number): string {
  return signedJwt(
    { alg: 'RS256', typ: 'JWT', ...(credentials.privateKeyId === undefined ? {} : { kid: credentials.privateKeyId }) },
    { iss: credentials.clientEmail, scope: cloudPlatformScope, aud: credentials.tokenURL, iat: nowSeconds, exp: nowSeconds + 3600 },
    credentials.privateKey,
  );
}

/**
 * A Google OAuth access token for one provider instance, kept and renewed by a {@link RenewingToken}
 * (in the background from five minutes before it expires; waited for only in its last minute). A
 * token the config gives is used as it is. A token endpoint that refuses the credentials is the
 * provider's credential problem (a 401 upstream, never retried); one that cannot be reached or fails
 * is retryable. No token, key or refresh token ever appears in an error.
 */
export class GoogleAccessToken {
  readonly #credentials: GoogleCredentials;
  readonly #token: RenewingToken | undefined;

  /** `now` is the clock expiry is judged by (a test's own); the JWT's times are always the wall clock's. */
  constructor(provider: string, credentials: GoogleCredentials, now: () => number = Date.now) {
    this.#credentials = credentials;
    const named = { name: 'a Google access token', source: this.source };
    this.#token = credentials.kind === 'access-token' ? undefined : new RenewingToken(() => requestOAuthToken(provider, named, tokenRequestOf(credentials, Date.now())), now);
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
    return credentials.kind === 'access-token' ? Promise.resolve(credentials.token) : this.#token!.get();
  }
}
