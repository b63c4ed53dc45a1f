import { createHash, createPrivateKey, randomUUID, X509Certificate, constants, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '@tollgate/core';
import { signedJwt } from '@tollgate/provider-utils';

/** An app registration's certificate: the private key that signs its assertions, and the certificate's SHA-256 thumbprint Entra ID knows it by. */
export interface EntraCertificate {
  readonly privateKey: KeyObject;
  /** Base64url SHA-256 of the certificate's DER encoding (the assertion's `x5t#S256`). */
  readonly thumbprint: string;
}

/**
 * Reads a PEM file holding the app's private key and its certificate (what Azure's SDKs take as a
 * certificate path), at startup; a missing file or block is a `ConfigError` at `where`.
 */
export function readEntraCertificate(path: string, where: string): EntraCertificate {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ path: where, message: `cannot read the certificate file ${path}: ${(error as Error).message}` }]);
  }
  const key = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(pem)?.[0];
  const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (key === undefined || certificate === undefined) {
    throw new ConfigError([{ path: where, message: `${path} must hold the app's private key and its certificate, both PEM (as Azure's SDKs take a certificate path)` }]);
  }
  return { privateKey: createPrivateKey(key), thumbprint: createHash('sha256').update(new X509Certificate(certificate).raw).digest('base64url') };
}

/**
 * A client assertion for Entra ID's token endpoint, as its certificate credentials are documented: a
 * JWT signed PS256 with the certificate's key, `x5t#S256` its thumbprint, `aud` the token endpoint,
 * `iss` and `sub` the client id, a fresh `jti`, valid for ten minutes.
 */
export function certificateAssertion(certificate: EntraCertificate, clientId: string, tokenURL: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  return signedJwt(
    { alg: 'PS256', typ: 'JWT', 'x5t#S256': certificate.thumbprint },
    { aud: tokenURL, iss: clientId, sub: clientId, jti: randomUUID(), nbf: nowSeconds, iat: nowSeconds, exp: nowSeconds + 600 },
    { key: certificate.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
  );
}
