import type { ServerResponse } from 'node:http';
import { createHash, verify, constants, X509Certificate } from 'node:crypto';
import { IssuedTokens } from './issued-tokens.js';
import { sendJson, startMockServer } from './mock-server.js';
import type { RecordedRequest } from './recorded-request.js';

/** Options of {@link createMockEntraId}. */
export interface MockEntraIdOptions {
  readonly port?: number;
  /** The one tenant, and the app registration (client id and secret) it knows. */
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** `expires_in` of every token issued (Entra's: about an hour; the metadata service's a day). */
  readonly tokenLifetimeSeconds?: number;
  /**
   * The app's certificate (PEM): a client assertion signed with its key (PS256, `x5t#S256` its
   * SHA-256 thumbprint, `aud` this token endpoint, `iss` and `sub` the client id, within its time) is
   * taken in place of the secret.
   */
  readonly certificate?: string;
  /** The federated token (AKS workload identity's service account token) the app trusts as a client assertion. */
  readonly federatedToken?: string;
  /** The `X-IDENTITY-HEADER` App Service's identity endpoint (`/msi/token`) wants. */
  readonly identityHeader?: string;
}

/** A running Microsoft Entra ID token endpoint and Azure instance metadata service. */
export interface MockEntraId {
  /** The authority host, for a provider's `authorityHost` (`https://login.microsoftonline.com`'s stand-in). */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** How many tokens it issued. */
  readonly tokensIssued: number;
  /** Whether `authorization` carries a token it issued that has not expired. */
  accepts(authorization: string | string[] | undefined): boolean;
  close(): Promise<void>;
}

const cognitiveServicesScope = 'https://cognitiveservices.azure.com/.default';
const cognitiveServicesResource = 'https://cognitiveservices.azure.com/';

/**
 * Why Entra ID refuses a certificate's client assertion, or undefined when it takes it: the header
 * must name PS256 and the certificate's SHA-256 thumbprint, the signature verify with its public key,
 * `aud` be this token endpoint, `iss` and `sub` the client id, and now within `nbf`…`exp`.
 */
function certificateAssertionProblem(assertion: string, certificate: X509Certificate, clientId: string, tokenURL: string): string | undefined {
  const [header, claims, signature] = assertion.split('.');
  if (header === undefined || claims === undefined || signature === undefined) return 'AADSTS50027: JWT token is invalid or malformed.';
  const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
  const body = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (head['x5t#S256'] !== createHash('sha256').update(certificate.raw).digest('base64url')) return `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(head['x5t#S256'] ?? head.x5t)}']`;
  const valid = head.alg === 'PS256' && verify('sha256', Buffer.from(`${header}.${claims}`), { key: certificate.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, Buffer.from(signature, 'base64url'));
  if (!valid) return 'AADSTS7000274: Key was found, but use of the key to verify the signature failed.';
  if (body.aud !== tokenURL) return `AADSTS700212: No matching federated identity record found for presented assertion audience '${String(body.aud)}'.`;
  if (body.iss !== clientId || body.sub !== clientId) return 'AADSTS700023: Client assertion audience claim does not match Realm issuer.';
  const now = Math.floor(Date.now() / 1000);
  if (typeof body.exp !== 'number' || typeof body.nbf !== 'number' || body.exp < now || body.nbf > now + 300) return 'AADSTS700024: Client assertion is not within its valid time range.';
  return undefined;
}

/**
 * Starts Microsoft Entra ID's token endpoint and Azure's instance metadata service on 127.0.0.1, as
 * Azure OpenAI's callers meet them: `POST /{tenant}/oauth2/v2.0/token` with the client credentials
 * grant (`client_id`, `client_secret`, `scope` the Cognitive Services `.default`) answers
 * `{token_type, expires_in, ext_expires_in, access_token}`, refusing a wrong secret with 401
 * `invalid_client` (AADSTS7000215), an unknown tenant or scope with 400; `GET
 * /metadata/identity/oauth2/token?api-version=…&resource=…` with `Metadata: true` answers a managed
 * identity's token (`expires_in` as a string, as IMDS sends it); the client credentials grant with
 * a federated token as `client_assertion` (AKS workload identity) or an assertion signed with the app's
 * certificate (see `certificateAssertionProblem`); App Service's identity endpoint
 * (`GET /msi/token`, `X-IDENTITY-HEADER`, `expires_on` instead of `expires_in`). Remembers what it issued.
 *
 * @example
 * const entra = await createMockEntraId({ tenantId: 'contoso-tenant', clientId: 'app-1', clientSecret: 's3cret' });
 * const azure = await createMockOpenAI({ flavor: 'azure', acceptsBearer: (authorization) => entra.accepts(authorization) });
 */
export async function createMockEntraId(options: MockEntraIdOptions): Promise<MockEntraId> {
  const tokens = new IssuedTokens('eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.mock-entra-');
  const issue = (res: ServerResponse, shape: 'oauth' | 'imds' | 'app-service') => {
    const lifetime = options.tokenLifetimeSeconds ?? (shape === 'oauth' ? 3599 : 86399);
    const token = tokens.issue(lifetime);
    if (shape === 'oauth') return sendJson(res, 200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token });
    const expiresOn = String(Math.floor(Date.now() / 1000) + lifetime);
    // App Service's identity endpoint says when the token expires, not how long it lives.
    if (shape === 'app-service') return sendJson(res, 200, { access_token: token, expires_on: expiresOn, resource: cognitiveServicesResource, token_type: 'Bearer', client_id: options.clientId });
    sendJson(res, 200, { access_token: token, client_id: options.clientId, expires_in: String(lifetime), expires_on: expiresOn, ext_expires_in: String(lifetime), not_before: String(Math.floor(Date.now() / 1000)), resource: cognitiveServicesResource, token_type: 'Bearer' });
  };
  const refuse = (res: ServerResponse, status: number, error: string, description: string) => sendJson(res, status, { error, error_description: description, error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)] });

  async function handle(request: RecordedRequest, res: ServerResponse): Promise<void> {
    const url = new URL(request.path, 'http://mock');
    if (request.method === 'GET' && url.pathname === '/metadata/identity/oauth2/token') {
      if (request.headers.metadata !== 'true') return sendJson(res, 400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
      if (url.searchParams.get('resource') !== cognitiveServicesResource || url.searchParams.get('api-version') === null) return sendJson(res, 400, { error: 'invalid_resource', error_description: 'AADSTS500011: The resource principal was not found.' });
      return issue(res, 'imds');
    }
    if (request.method === 'GET' && url.pathname === '/msi/token') {
      if (options.identityHeader === undefined || request.headers['x-identity-header'] !== options.identityHeader) return sendJson(res, 401, { error: 'unauthorized_client', error_description: 'The X-IDENTITY-HEADER is missing or not valid.' });
      if (url.searchParams.get('resource') !== cognitiveServicesResource || url.searchParams.get('api-version') !== '2019-08-01') return sendJson(res, 400, { error: 'invalid_request', error_description: 'resource and api-version 2019-08-01 are required.' });
      return issue(res, 'app-service');
    }
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (request.method !== 'POST' || token === null) return sendJson(res, 404, { error: 'not_found', error_description: `No route for ${request.method} ${url.pathname}` });
    if (token[1] !== options.tenantId) return refuse(res, 400, 'invalid_request', `AADSTS90002: Tenant '${token[1]}' not found.`);
    const form = new URLSearchParams(request.bodyText);
    if (form.get('grant_type') !== 'client_credentials') return refuse(res, 400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
    if (form.get('scope') !== cognitiveServicesScope) return refuse(res, 400, 'invalid_scope', `AADSTS70011: The provided value for the input parameter 'scope' is not valid.`);
    if (form.get('client_id') !== options.clientId) return refuse(res, 400, 'unauthorized_client', `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory.`);
    if (form.get('client_assertion_type') === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      const assertion = form.get('client_assertion') ?? '';
      if (options.federatedToken !== undefined && assertion === options.federatedToken) return issue(res, 'oauth');
      if (certificate === undefined) return refuse(res, 401, 'invalid_client', 'AADSTS70021: No matching federated identity record found for presented assertion.');
      const problem = certificateAssertionProblem(assertion, certificate, options.clientId, `${mock.url}${url.pathname}`);
      if (problem !== undefined) return refuse(res, 401, 'invalid_client', problem);
      return issue(res, 'oauth');
    }
    if (form.get('client_secret') !== options.clientSecret) return refuse(res, 401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    return issue(res, 'oauth');
  }

  const certificate = options.certificate === undefined ? undefined : new X509Certificate(options.certificate);
  const mock = await startMockServer<never>(options.port, handle);
  return {
    url: mock.url,
    requests: mock.requests,
    get tokensIssued() {
      return tokens.count;
    },
    accepts: (authorization) => tokens.accepts(authorization),
    close: () => mock.close(),
  };
}
