import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RecordedRequest } from './recorded-request.js';

/** AWS credentials a mock accepts. */
export interface MockAwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** `20261201T160000Z` → a Date. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return match === null ? undefined : new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!, +match[5]!, +match[6]!));
}

/**
 * Checks a request's AWS Signature Version 4 the way AWS does: recomputes it from the method, path,
 * query, the headers the client said it signed, the body, the date, region and service, with the
 * secret key, and compares. Returns what is wrong, or undefined when the signature holds.
 */
export async function verifySigV4(request: RecordedRequest, credentials: MockAwsCredentials, region: string, service: string): Promise<string | undefined> {
  const authorization = String(request.headers.authorization ?? '');
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (match === null) return 'missing or malformed AWS4-HMAC-SHA256 authorization';
  const [, accessKeyId, , signedRegion, signedService, signedHeaders] = match as unknown as string[];
  if (accessKeyId !== credentials.accessKeyId) return 'unknown access key id';
  if (signedRegion !== region || signedService !== service) return `signed for ${signedRegion}/${signedService}, not ${region}/${service}`;
  if (credentials.sessionToken !== undefined && request.headers['x-amz-security-token'] !== credentials.sessionToken) return 'session token missing or wrong';
  const signingDate = parseAmzDate(String(request.headers['x-amz-date'] ?? ''));
  if (signingDate === undefined) return 'missing x-amz-date';
  const url = new URL(request.path, 'http://mock');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders!.split(';')) headers[name] = String(request.headers[name] ?? '');
  const signer = new SignatureV4({ credentials, region, service, sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: headers.host ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: request.bodyText },
    { signingDate },
  );
  const expected = String(signed.headers.authorization ?? '');
  return expected === authorization ? undefined : 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
}
