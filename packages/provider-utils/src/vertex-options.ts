import { ConfigError, z, type Logger } from '@tollgate/core';
import { GoogleAccessToken } from './google-access-token.js';
import { resolveGoogleCredentials } from './google-credentials.js';

/**
 * A provider's `vertex` option: serve the provider's models through Google Cloud's Vertex AI instead
 * of the vendor's own API, signed in with Google credentials instead of an API key.
 */
export const vertexOptionsSchema = z.strictObject({
  /** The Google Cloud project; by default the key's `project_id` (a user's quota project), else `GOOGLE_CLOUD_PROJECT`. */
  project: z.string().min(1).optional(),
  /** `global`, a region (`us-east5`, `europe-west1`) or a multi-region (`us`, `eu`). */
  location: z.string().regex(/^[a-z0-9-]+$/, 'must be a Vertex AI location such as "global" or "us-east5"').default('global'),
  /** A key file's path or its JSON; by default Application Default Credentials. */
  credentials: z.union([z.string().min(1), z.looseObject({ type: z.string() })]).optional(),
  /** An OAuth access token used as it is (`gcloud auth print-access-token`; it expires within the hour). */
  accessToken: z.string().min(1).optional(),
});

/** A provider's `vertex` option, defaults applied. */
export type VertexOptions = z.output<typeof vertexOptionsSchema>;

/** Vertex AI as OpenTelemetry's `gen_ai.provider.name` names it: a Vertex provider's `platform`. */
export const vertexPlatform = 'gcp.vertex_ai';

/** Vertex AI's address for a location, as Google's SDKs build it. */
export function vertexBaseURL(location: string): string {
  if (location === 'global') return 'https://aiplatform.googleapis.com';
  if (location === 'us' || location === 'eu') return `https://aiplatform.${location}.rep.googleapis.com`;
  return `https://${location}-aiplatform.googleapis.com`;
}

/**
 * What a provider needs to call a publisher's models on Vertex AI: their path and a Google access
 * token. Credentials are read at startup (a missing or malformed key fails the config); a project is
 * required from the option, the key or `GOOGLE_CLOUD_PROJECT` (`GCLOUD_PROJECT`), as Google's
 * libraries look for it. Logs, once, where the provider signs in (never a secret).
 */
export class VertexEndpoint {
  readonly project: string;
  readonly location: string;
  readonly accessToken: GoogleAccessToken;

  constructor(provider: string, options: VertexOptions, logger?: Logger, env: NodeJS.ProcessEnv = process.env) {
    const where = `providers.${provider}.vertex`;
    const credentials = resolveGoogleCredentials(options, where, env);
    const project = options.project ?? credentials.projectId ?? (env.GOOGLE_CLOUD_PROJECT || env.GCLOUD_PROJECT || undefined);
    if (project === undefined) throw new ConfigError([{ path: `${where}.project`, message: 'required (the credentials name no project, nor does GOOGLE_CLOUD_PROJECT)' }]);
    this.project = project;
    this.location = options.location;
    this.accessToken = new GoogleAccessToken(provider, credentials);
    logger?.info({ provider, project, location: this.location, signsInWith: this.accessToken.source }, 'provider calls Vertex AI');
  }

  /** `/v1/projects/{project}/locations/{location}/endpoints/{endpoint}`: `openapi` is Vertex AI's OpenAI-compatible endpoint for its hosted models. */
  endpointPath(endpoint: string): string {
    return `/v1/projects/${encodeURIComponent(this.project)}/locations/${this.location}/endpoints/${encodeURIComponent(endpoint)}`;
  }

  /** `/v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}` (a version's `@` kept). */
  modelPath(publisher: 'google' | 'anthropic', model: string): string {
    return `/v1/projects/${encodeURIComponent(this.project)}/locations/${this.location}/publishers/${publisher}/models/${encodeURIComponent(model).replaceAll('%40', '@')}`;
  }
}
