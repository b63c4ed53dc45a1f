import { sign, type KeyLike, type SignKeyObjectInput, type SignPrivateKeyInput } from 'node:crypto';

const base64url = (json: object) => Buffer.from(JSON.stringify(json)).toString('base64url');

/**
 * A compact JWT (`header.claims.signature`) signed with SHA-256 by `key`: a private key for RS256, or
 * the key with RSA-PSS padding options for PS256. For the client assertions token endpoints take
 * (Google's service accounts, Entra ID's certificate credentials).
 */
export function signedJwt(header: object, claims: object, key: KeyLike | SignKeyObjectInput | SignPrivateKeyInput): string {
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}
