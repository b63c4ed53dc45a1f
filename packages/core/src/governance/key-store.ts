import { createServiceToken } from '../services/service-token.js';
import type { KeyRateLimits, VirtualKeyRecord, VirtualKeyStatus } from './virtual-key.js';

/** A change to a key's mutable fields; fields left out stay as they are. */
export interface VirtualKeyUpdate {
  readonly alias?: string;
  readonly models?: readonly string[] | null;
  readonly expiresAt?: number | null;
  readonly status?: VirtualKeyStatus;
  readonly metadata?: Readonly<Record<string, string>>;
  /** The key's own rate limits; `null` goes back to the config's rules. */
  readonly limits?: KeyRateLimits | null;
  /** The tags every request of the key carries; `null` or an empty list: none. */
  readonly tags?: readonly string[] | null;
}

/**
 * Where virtual keys live: a shared store (SQLite, PostgreSQL) so every instance sees a revocation.
 * Keys are looked up by the SHA-256 of the presented key; the key itself is never stored.
 */
export interface KeyStore {
  findKeyByHash(hash: string): Promise<VirtualKeyRecord | undefined>;
  createKey(record: VirtualKeyRecord): Promise<void>;
  /** Keys, newest first; filtered by team when given. */
  listKeys(filter?: { readonly teamId?: string }): Promise<VirtualKeyRecord[]>;
  /** Applies an update; the key after it, or undefined when no key has the id. A revoked key stays revoked. */
  updateKey(id: string, update: VirtualKeyUpdate): Promise<VirtualKeyRecord | undefined>;
  /**
   * Gives the key a new secret (its hash and hint); the old secret stops matching at once. Same id,
   * owner, limits and budget. Undefined when no key has the id or it is revoked.
   */
  rotateKey(id: string, hash: string, hint: string): Promise<VirtualKeyRecord | undefined>;
}

/** Service token of the key store. */
export const KeyStore = createServiceToken<KeyStore>('KeyStore');

/** A key after an update: fields left out stay, `null` clears, and a revoked key stays revoked. */
export function applyKeyUpdate(record: VirtualKeyRecord, update: VirtualKeyUpdate): VirtualKeyRecord {
  return {
    ...record,
    alias: update.alias ?? record.alias,
    models: update.models === undefined ? record.models : (update.models ?? undefined),
    expiresAt: update.expiresAt === undefined ? record.expiresAt : (update.expiresAt ?? undefined),
    status: record.status === 'revoked' ? 'revoked' : (update.status ?? record.status),
    metadata: update.metadata ?? record.metadata,
    limits: update.limits === undefined ? record.limits : (update.limits ?? undefined),
    tags: update.tags === undefined ? record.tags : update.tags === null || update.tags.length === 0 ? undefined : update.tags,
  };
}
