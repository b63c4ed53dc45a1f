import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, z } from '@tollgate/core';

/** Google's OAuth 2.0 token endpoint, for key files that name none. */
export const googleTokenURL = 'https://oauth2.googleapis.com/token';

const serviceAccountSchema = z.looseObject({
  type: z.literal('service_account'),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  private_key_id: z.string().optional(),
  token_uri: z.url().optional(),
  project_id: z.string().optional(),
});

const authorizedUserSchema = z.looseObject({
  type: z.literal('authorized_user'),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  refresh_token: z.string().min(1),
  token_uri: z.url().optional(),
  quota_project_id: z.string().optional(),
});

const credentialsFileSchema = z.discriminatedUnion('type', [serviceAccountSchema, authorizedUserSchema]);

/**
 * Where a Google access token comes from: a service account's key (a signed JWT exchanged at its
 * `token_uri`), a user's refresh token (`gcloud auth application-default login`), the metadata server
 * of the VM, Cloud Run service or GKE pod the gateway runs on, or a token given as it is.
 */
export type GoogleCredentials =
  | { readonly kind: 'service-account'; readonly clientEmail: string; readonly privateKey: string; readonly privateKeyId: string | undefined; readonly tokenURL: string; readonly projectId: string | undefined }
  | { readonly kind: 'authorized-user'; readonly clientId: string; readonly clientSecret: string; readonly refreshToken: string; readonly tokenURL: string; readonly projectId: string | undefined }
  | { readonly kind: 'metadata-server'; readonly origin: string; readonly projectId: undefined }
  | { readonly kind: 'access-token'; readonly token: string; readonly projectId: undefined };

/** What the gateway's config says about Google credentials. */
export interface GoogleCredentialsSource {
  /** A key file's path, or its JSON (a `service_account` or `authorized_user` file). */
  readonly credentials?: string | Readonly<Record<string, unknown>> | undefined;
  /** A token used as it is (it expires: for short-lived gateways and tests). */
  readonly accessToken?: string | undefined;
}

function invalid(where: string, message: string): ConfigError {
  return new ConfigError([{ path: where, message }]);
}

function readKeyFile(path: string, where: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(where, `cannot read the Google credentials file "${path}" (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}).`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid(where, `the Google credentials file "${path}" is not JSON.`);
  }
}

function parseInlineKey(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid(where, `the Google credentials given inline are not JSON.`);
  }
}

function fromKeyJson(json: unknown, where: string): GoogleCredentials {
  const checked = credentialsFileSchema.safeParse(json);
  if (!checked.success) {
    const type = (json as { type?: unknown } | null)?.type;
    throw invalid(
      where,
      typeof type === 'string' && type !== 'service_account' && type !== 'authorized_user'
        ? `Google credentials of type "${type}" are not supported (use a service account key, a user's application-default credentials, or the metadata server).`
        : `the Google credentials lack ${checked.error.issues.map((issue) => issue.path.join('.') || 'type').join(', ')}.`,
    );
  }
  const file = checked.data;
  if (file.type === 'authorized_user') {
    return { kind: 'authorized-user', clientId: file.client_id, clientSecret: file.client_secret, refreshToken: file.refresh_token, tokenURL: file.token_uri ?? googleTokenURL, projectId: file.quota_project_id };
  }
  try {
    createPrivateKey(file.private_key);
  } catch {
    throw invalid(where, `the service account key's private_key is not a PEM private key.`);
  }
  return { kind: 'service-account', clientEmail: file.client_email, privateKey: file.private_key, privateKeyId: file.private_key_id, tokenURL: file.token_uri ?? googleTokenURL, projectId: file.project_id };
}

/**
 * The credentials a provider signs in to Google with, read at startup: `accessToken` as it is;
 * `credentials` (a path or the key's JSON); or else Application Default Credentials as Google's
 * libraries find them — the file `GOOGLE_APPLICATION_CREDENTIALS` names, gcloud's
 * `application_default_credentials.json`, then the metadata server (`GCE_METADATA_HOST` or
 * `metadata.google.internal`). `where` is the config path a problem is reported at (`providers.vertex.vertex`).
 */
export function resolveGoogleCredentials(source: GoogleCredentialsSource, where: string, env: NodeJS.ProcessEnv = process.env): GoogleCredentials {
  if (source.accessToken !== undefined) return { kind: 'access-token', token: source.accessToken, projectId: undefined };
  const given = source.credentials;
  if (typeof given === 'object') return fromKeyJson(given, where);
  if (typeof given === 'string') return fromKeyJson(given.trimStart().startsWith('{') ? parseInlineKey(given, where) : readKeyFile(given, where), where);
  const named = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (named !== undefined && named !== '') return fromKeyJson(readKeyFile(named, `${where} (GOOGLE_APPLICATION_CREDENTIALS)`), where);
  const gcloudFile = join(env.CLOUDSDK_CONFIG ?? join(homedir(), '.config', 'gcloud'), 'application_default_credentials.json');
  if (existsSync(gcloudFile)) return fromKeyJson(readKeyFile(gcloudFile, where), where);
  const host = env.GCE_METADATA_HOST ?? 'metadata.google.internal';
  return { kind: 'metadata-server', origin: `http://${host}`, projectId: undefined };
}
