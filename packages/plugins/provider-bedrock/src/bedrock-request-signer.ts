import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';

/** AWS credentials for SigV4. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

type CredentialsProvider = () => Promise<AwsCredentials>;

/** How a provider instance authenticates: a Bedrock API key, static credentials, or the AWS default chain. */
export interface BedrockAuthOptions {
  readonly region: string;
  /** The upstream origin every request goes to (signed as `host`). */
  readonly origin: URL;
  readonly apiKey?: string | undefined;
  readonly credentials?: AwsCredentials | undefined;
}

/** The default chain, loaded only when an instance needs it (it pulls in the SDK's profile, SSO and IMDS readers). */
async function defaultCredentials(): Promise<CredentialsProvider> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider();
}

/**
 * Adds authentication to each Bedrock request: `Authorization: Bearer` for a Bedrock API key, or an
 * AWS Signature Version 4 over method, path, host, content type and body by Smithy's `SignatureV4`
 * (the AWS SDK's own signer). Credentials from the default chain are resolved and refreshed by that
 * chain's memoized provider.
 */
export class BedrockRequestSigner {
  readonly #options: BedrockAuthOptions;
  #signer: Promise<SignatureV4> | undefined;

  constructor(options: BedrockAuthOptions) {
    this.#options = options;
  }

  /** The headers to send: `headers` plus authentication for this exact POST to `path` (origin-relative). */
  async sign(request: { path: string; headers: Record<string, string>; body: string }): Promise<Record<string, string>> {
    if (this.#options.apiKey !== undefined) return { ...request.headers, authorization: `Bearer ${this.#options.apiKey}` };
    this.#signer ??= this.#createSigner();
    const signer = await this.#signer;
    const origin = this.#options.origin;
    const signed = await signer.sign({
      method: 'POST',
      protocol: origin.protocol,
      hostname: origin.hostname,
      ...(origin.port === '' ? {} : { port: Number(origin.port) }),
      path: request.path,
      query: {},
      headers: { ...request.headers, host: origin.host },
      body: request.body,
    });
    return signed.headers as Record<string, string>;
  }

  async #createSigner(): Promise<SignatureV4> {
    const credentials = this.#options.credentials ?? (await defaultCredentials());
    return new SignatureV4({ credentials, region: this.#options.region, service: 'bedrock', sha256: Hash.bind(null, 'sha256') });
  }
}
