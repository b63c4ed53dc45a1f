import { z } from '@tollgate/core';
import type { OAuthTokenRequest } from '@tollgate/provider-utils';

/** The scope (and, at the metadata service, the resource) Azure OpenAI's tokens are for. */
const cognitiveServicesScope = 'https://cognitiveservices.azure.com/.default';
const cognitiveServicesResource = 'https://cognitiveservices.azure.com/';

/**
 * The `entra` option: Microsoft Entra ID tokens fetched and renewed by the gateway, with an app
 * registration's client secret (a service principal) or the managed identity of the VM, AKS node or
 * container the gateway runs on.
 */
export const entraOptionsSchema = z.union([
  z.strictObject({
    tenantId: z.string().min(1),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    /** Entra ID's host: another cloud's (`https://login.microsoftonline.us`) or a proxy's. */
    authorityHost: z.url({ protocol: /^https?$/ }).default('https://login.microsoftonline.com'),
  }),
  z.strictObject({
    managedIdentity: z.literal(true),
    /** A user-assigned identity's client id; the system-assigned identity when left out. */
    clientId: z.string().min(1).optional(),
    /** The instance metadata service's address. */
    imdsEndpoint: z.url({ protocol: /^https?$/ }).default('http://169.254.169.254'),
  }),
]);

/** The `entra` option, defaults applied. */
export type EntraOptions = z.output<typeof entraOptionsSchema>;

/** Who signs in, for messages: the app registration or the managed identity; never a secret. */
export function entraSource(entra: EntraOptions): string {
  if ('managedIdentity' in entra) return entra.clientId === undefined ? 'the managed identity' : `the managed identity ${entra.clientId}`;
  return `client ${entra.clientId} of tenant ${entra.tenantId}`;
}

/**
 * The request for an Azure OpenAI token: the client credentials grant at the tenant's v2.0 token
 * endpoint, or the instance metadata service's identity endpoint (`Metadata: true`).
 */
export function entraTokenRequestOf(entra: EntraOptions): OAuthTokenRequest {
  if ('managedIdentity' in entra) {
    const query = new URLSearchParams({ 'api-version': '2018-02-01', resource: cognitiveServicesResource, ...(entra.clientId === undefined ? {} : { client_id: entra.clientId }) });
    return { url: `${entra.imdsEndpoint.replace(/\/+$/, '')}/metadata/identity/oauth2/token?${query.toString()}`, method: 'GET', headers: { metadata: 'true' } };
  }
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: entra.clientId, client_secret: entra.clientSecret, scope: cognitiveServicesScope });
  return { url: `${entra.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(entra.tenantId)}/oauth2/v2.0/token`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
}
