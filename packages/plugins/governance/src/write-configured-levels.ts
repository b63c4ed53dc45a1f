import type { Directory, DirectoryKind } from '@tollgate/core';
import type { GovernanceOptions } from './governance-options.js';

/**
 * Writes the config's `teams`, `users` and `orgs` (their models and rate limits) to the directory at
 * startup, keeping each entry's name, parent and metadata: the config's figures replace those set
 * through the admin API, as the config's budgets do.
 */
export async function writeConfiguredLevels(options: GovernanceOptions, directory: Directory | undefined, now: number): Promise<void> {
  const levels: [DirectoryKind, GovernanceOptions['teams']][] = [['org', options.orgs], ['team', options.teams], ['user', options.users]];
  if (levels.every(([, entries]) => Object.keys(entries).length === 0)) return;
  if (directory === undefined) {
    throw new Error('@tollgate/governance: `teams`, `users` and `orgs` need a store with a directory: list "@tollgate/ledger-sqlite" or "@tollgate/ledger-postgres" before it under `plugins`.');
  }
  for (const [kind, entries] of levels) {
    for (const [id, { models, rpm, tpm, parallel }] of Object.entries(entries)) {
      const existing = await directory.getEntry(kind, id);
      const limits = { ...(rpm === undefined ? {} : { rpm }), ...(tpm === undefined ? {} : { tpm }), ...(parallel === undefined ? {} : { parallel }) };
      await directory.putEntry({
        kind,
        id,
        name: existing?.name ?? id,
        parentId: existing?.parentId,
        metadata: existing?.metadata ?? {},
        ...(Object.keys(limits).length === 0 ? {} : { limits }),
        ...(models === undefined ? {} : { models }),
        createdAt: existing?.createdAt ?? now,
      });
    }
  }
}
