import { createServiceToken } from '../services/service-token.js';

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
  readonly createdAt: number;
}

/** The parent kind of each kind (a team's parent is an org, a user's a team). */
export const directoryParent: Readonly<Record<DirectoryKind, DirectoryKind | undefined>> = { org: undefined, team: 'org', user: 'team' };

/**
 * Orgs, teams and users as records, so keys can be created under them (a key of a user inherits the
 * user's team and the team's org) and the admin API can list them. Ids are what keys, budgets and
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
