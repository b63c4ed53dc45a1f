import { createServiceToken } from '../services/service-token.js';
import type { KeyRateLimits } from './virtual-key.js';

/** The levels above a key: an org holds teams, a team holds users (people or agents). */
export type DirectoryKind = 'org' | 'team' | 'user';

/** An org, team or user as the directory keeps it. */
export interface DirectoryEntry {
  readonly kind: DirectoryKind;
  readonly id: string;
  readonly name: string;
  /** The org of a team, the team of a user; undefined for an org. */
  readonly parentId: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  /** Rate limits of the whole level (every key under it, counted together), over the config's rules for its scope. */
  readonly limits?: KeyRateLimits | undefined;
  /** Model names (or `prefix/*` patterns) every key under it may call at most; undefined means all. */
  readonly models?: readonly string[] | undefined;
  readonly createdAt: number;
}

/** The parent kind of each kind (a team's parent is an org, a user's a team). */
export const directoryParent: Readonly<Record<DirectoryKind, DirectoryKind | undefined>> = { org: undefined, team: 'org', user: 'team' };

/**
 * Orgs, teams and users as records, so keys can be created under them (a key of a user inherits the
 * user's team and the team's org), limited by them (models, rate limits) and listed by the admin API. Ids are what keys, budgets and
 * the ledger refer to; removing an entry leaves those untouched.
 */
export interface Directory {
  /** Creates the entry or replaces its name, parent and metadata (keeping `createdAt`). */
  putEntry(entry: DirectoryEntry): Promise<DirectoryEntry>;
  getEntry(kind: DirectoryKind, id: string): Promise<DirectoryEntry | undefined>;
  /** Entries of a kind, by id; only the children of `parentId` when given. */
  listEntries(kind: DirectoryKind, parentId?: string): Promise<DirectoryEntry[]>;
  removeEntry(kind: DirectoryKind, id: string): Promise<boolean>;
}

/** Service token of the directory. */
export const Directory = createServiceToken<Directory>('Directory');
