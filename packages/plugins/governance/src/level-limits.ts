import type { Directory, DirectoryEntry, Principal } from '@tollgate/core';

/** The directory entries of a key's user, team and org that limit it (models or rate limits). */
export async function levelsOf(owner: { readonly userId?: string | undefined; readonly teamId?: string | undefined; readonly orgId?: string | undefined }, directory: Directory): Promise<DirectoryEntry[]> {
  const ids = [['user', owner.userId], ['team', owner.teamId], ['org', owner.orgId]] as const;
  const entries = await Promise.all(ids.map(([kind, id]) => (id === undefined ? undefined : directory.getEntry(kind, id))));
  return entries.filter((entry): entry is DirectoryEntry => entry !== undefined && (entry.limits !== undefined || entry.models !== undefined));
}

/** A principal's fields for the models and rate limits of its user, team and org (`levels`). */
export function levelLimits(levels: readonly DirectoryEntry[]): Pick<Principal, 'levelRateLimits' | 'levelModels'> {
  const limited = levels.filter((entry) => entry.limits !== undefined);
  const modelLists = levels.filter((entry) => entry.models !== undefined);
  return {
    ...(limited.length === 0 ? {} : { levelRateLimits: Object.fromEntries(limited.map((entry) => [entry.kind, entry.limits!])) }),
    ...(modelLists.length === 0 ? {} : { levelModels: modelLists.map((entry) => ({ scope: entry.kind, id: entry.id, models: entry.models! })) }),
  };
}
