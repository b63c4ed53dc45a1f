import { hash, randomBytes } from 'node:crypto';

/** What a virtual key may do and whom it belongs to, as stored (never the key itself). */
export interface VirtualKeyRecord {
  /** A stable public id (`key_…`), safe to log. */
  readonly id: string;
  /** SHA-256 of the key, hex. */
  readonly hash: string;
  /** The key's first characters and last four (`tg-abc…wxyz`), to recognise it in listings. */
  readonly hint: string;
  readonly alias: string;
  readonly orgId: string | undefined;
  readonly teamId: string | undefined;
  readonly userId: string | undefined;
  /** Model names (or `prefix/*` patterns) the key may call; undefined means all. */
  readonly models: readonly string[] | undefined;
  /** Epoch milliseconds after which the key is refused; undefined: never expires. */
  readonly expiresAt: number | undefined;
  readonly status: VirtualKeyStatus;
  readonly metadata: Readonly<Record<string, string>>;
  /** The key's own rate limits (over the config's rules for keys); undefined: the config's. */
  readonly limits?: KeyRateLimits | undefined;
  /** Tags every request of the key carries (`project:search`), ahead of the client's own, for spend by tag. */
  readonly tags?: readonly string[] | undefined;
  readonly createdAt: number;
}

/** Rate limits of one key (or user, team, org): requests and tokens per minute, requests at once. */
export interface KeyRateLimits {
  readonly rpm?: number;
  readonly tpm?: number;
  readonly parallel?: number;
}

/** A suspended key can be activated again; a revoked one cannot. */
export type VirtualKeyStatus = 'active' | 'suspended' | 'revoked';

/** The prefix of every virtual key, so secret scanners and people recognise one. */
export const virtualKeyPrefix = 'tg-';

/** SHA-256 of a presented key, hex: how keys are stored and looked up. */
export function hashVirtualKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/**
 * A new random virtual key (192 bits from the OS CSPRNG), its public id and hint. The key is shown
 * once to whoever created it; only its hash is stored.
 */
export function generateVirtualKey(): { key: string; id: string; hash: string; hint: string } {
  const key = `${virtualKeyPrefix}${randomBytes(24).toString('base64url')}`;
  return { key, id: `key_${randomBytes(9).toString('base64url')}`, hash: hashVirtualKey(key), hint: `${key.slice(0, 6)}…${key.slice(-4)}` };
}
