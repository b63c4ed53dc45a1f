import { readFile } from 'node:fs/promises';
import { ConfigError, z } from '@tollgate/core';
import type { OAuthTokenRequest } from '@tollgate/provider-utils';
import { certificateAssertion, readEntraCertificate, type EntraCertificate } from './entra-certificate.js';

/** The scope (and, at the identity endpoints, the resource) Azure OpenAI's tokens are for. */
const cognitiveServicesScope = 'https://cognitiveservices.azure.com/.default';
const cognitiveServicesResource = 'https://cognitiveservices.azure.com/';
const defaultAuthorityHost = 'https://login.microsoftonline.com';

/**
 * The `entra` option: Microsoft Entra ID tokens fetched and renewed by the gateway — with an app
 * registration's client secret or certificate (a service principal), AKS workload identity (a federated token), or
 * the managed identity of the VM, App Service or Container App the gateway runs on.
 */
export const entraOptionsSchema = z.union([
  z.strictObject({
    tenantId: z.string().min(1),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    /** Entra ID's host: another cloud's (`https://login.microsoftonline.us`) or a proxy's. */
    authorityHost: z.url({ protocol: /^https?$/ }).optional(),
  }),
  z.strictObject({
    tenantId: z.string().min(1),
    clientId: z.string().min(1),
    /** A PEM file holding the app registration's certificate and its private key: assertions signed with it, no secret sent. */
    certificate: z.string().min(1),
    authorityHost: z.url({ protocol: /^https?$/ }).optional(),
  }),
  z.strictObject({
    /** AKS workload identity: a federated service account token; each field defaults to the `AZURE_*` variable AKS sets. */
    workloadIdentity: z.literal(true),
    tenantId: z.string().min(1).optional(),
    clientId: z.string().min(1).optional(),
    federatedTokenFile: z.string().min(1).optional(),
    authorityHost: z.url({ protocol: /^https?$/ }).optional(),
  }),
  z.strictObject({
    managedIdentity: z.literal(true),
    /** A user-assigned identity's client id; the system-assigned identity when left out. */
    clientId: z.string().min(1).optional(),
    /** The instance metadata service's address (where there is no `IDENTITY_ENDPOINT`). */
    imdsEndpoint: z.url({ protocol: /^https?$/ }).default('http://169.254.169.254'),
  }),
]);

/** The `entra` option, defaults applied. */
export type EntraOptions = z.output<typeof entraOptionsSchema>;

/** How a provider signs in to Entra ID, worked out at startup from the option and the environment. */
export type EntraSignIn =
  | { readonly kind: 'client-secret'; readonly tenantId: string; readonly clientId: string; readonly clientSecret: string; readonly authorityHost: string }
  | { readonly kind: 'certificate'; readonly tenantId: string; readonly clientId: string; readonly certificate: EntraCertificate; readonly authorityHost: string }
  | { readonly kind: 'workload-identity'; readonly tenantId: string; readonly clientId: string; readonly federatedTokenFile: string; readonly authorityHost: string }
  | { readonly kind: 'app-service'; readonly endpoint: string; readonly header: string; readonly clientId: string | undefined }
  | { readonly kind: 'imds'; readonly endpoint: string; readonly clientId: string | undefined };

/**
 * The sign-in the option asks for: workload identity's fields from `AZURE_TENANT_ID`,
 * `AZURE_CLIENT_ID`, `AZURE_FEDERATED_TOKEN_FILE` and `AZURE_AUTHORITY_HOST` where the option leaves them
 * out; a managed identity through App Service's and Container Apps' identity endpoint where
 * `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` are set, else the instance metadata service.
 */
export function resolveEntraSignIn(entra: EntraOptions, provider: string, env: NodeJS.ProcessEnv = process.env): EntraSignIn {
  const authority = (host: string | undefined) => (host ?? env.AZURE_AUTHORITY_HOST ?? defaultAuthorityHost).replace(/\/+$/, '');
  if ('clientSecret' in entra) return { kind: 'client-secret', tenantId: entra.tenantId, clientId: entra.clientId, clientSecret: entra.clientSecret, authorityHost: authority(entra.authorityHost) };
  if ('certificate' in entra) {
    const certificate = readEntraCertificate(entra.certificate, `providers.${provider}.entra.certificate`);
    return { kind: 'certificate', tenantId: entra.tenantId, clientId: entra.clientId, certificate, authorityHost: authority(entra.authorityHost) };
  }
  if ('workloadIdentity' in entra) {
    const tenantId = entra.tenantId ?? env.AZURE_TENANT_ID;
    const clientId = entra.clientId ?? env.AZURE_CLIENT_ID;
    const federatedTokenFile = entra.federatedTokenFile ?? env.AZURE_FEDERATED_TOKEN_FILE;
    const missing = [tenantId === undefined ? 'tenantId (AZURE_TENANT_ID)' : undefined, clientId === undefined ? 'clientId (AZURE_CLIENT_ID)' : undefined, federatedTokenFile === undefined ? 'federatedTokenFile (AZURE_FEDERATED_TOKEN_FILE)' : undefined].filter(Boolean);
    if (missing.length > 0) throw new ConfigError([{ path: `providers.${provider}.entra`, message: `workload identity needs ${missing.join(', ')}` }]);
    return { kind: 'workload-identity', tenantId: tenantId!, clientId: clientId!, federatedTokenFile: federatedTokenFile!, authorityHost: authority(entra.authorityHost) };
  }
  if (env.IDENTITY_ENDPOINT !== undefined && env.IDENTITY_HEADER !== undefined) return { kind: 'app-service', endpoint: env.IDENTITY_ENDPOINT, header: env.IDENTITY_HEADER, clientId: entra.clientId };
  return { kind: 'imds', endpoint: entra.imdsEndpoint.replace(/\/+$/, ''), clientId: entra.clientId };
}

/** Who signs in, for messages: the app registration or the managed identity; never a secret. */
export function entraSource(signIn: EntraSignIn): string {
  if (signIn.kind === 'client-secret') return `client ${signIn.clientId} of tenant ${signIn.tenantId}`;
  if (signIn.kind === 'certificate') return `client ${signIn.clientId} of tenant ${signIn.tenantId} (certificate ${signIn.certificate.thumbprint})`;
  if (signIn.kind === 'workload-identity') return `workload identity ${signIn.clientId} of tenant ${signIn.tenantId}`;
  return signIn.clientId === undefined ? 'the managed identity' : `the managed identity ${signIn.clientId}`;
}

/**
 * The request for an Azure OpenAI token: the client credentials grant at the tenant's v2.0 token
 * endpoint with the client secret, an assertion signed with the app's certificate, or with the federated token (read afresh: Kubernetes rotates it)
 * as the client assertion; or the identity endpoint of App Service (`X-IDENTITY-HEADER`) or of the
 * instance metadata service (`Metadata: true`).
 */
export async function entraTokenRequestOf(signIn: EntraSignIn): Promise<OAuthTokenRequest> {
  if (signIn.kind === 'imds' || signIn.kind === 'app-service') {
    const apiVersion = signIn.kind === 'imds' ? '2018-02-01' : '2019-08-01';
    const query = new URLSearchParams({ 'api-version': apiVersion, resource: cognitiveServicesResource, ...(signIn.clientId === undefined ? {} : { client_id: signIn.clientId }) });
    return signIn.kind === 'imds'
      ? { url: `${signIn.endpoint}/metadata/identity/oauth2/token?${query.toString()}`, method: 'GET', headers: { metadata: 'true' } }
      : { url: `${signIn.endpoint}?${query.toString()}`, method: 'GET', headers: { 'x-identity-header': signIn.header } };
  }
  const url = `${signIn.authorityHost}/${encodeURIComponent(signIn.tenantId)}/oauth2/v2.0/token`;
  const assertion = (value: string) => ({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: value });
  const credential: Record<string, string> =
    signIn.kind === 'client-secret'
      ? { client_secret: signIn.clientSecret }
      : signIn.kind === 'certificate'
        ? assertion(certificateAssertion(signIn.certificate, signIn.clientId, url))
        : assertion((await readFile(signIn.federatedTokenFile, 'utf8')).trim());
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: signIn.clientId, ...credential, scope: cognitiveServicesScope });
  return { url, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
}
