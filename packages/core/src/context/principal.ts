/**
 * Who is calling, as the `auth` phase established it. The governance plugins fill the team, org and
 * user levels; the first-cut config keys fill `keyId` and `keyName` only.
 */
export interface Principal {
  /** A stable id of the key used (never the key itself). */
  readonly keyId: string;
  /** The key's human name or alias, for logs. */
  readonly keyName: string;
  /** True for the master key: it may call every model and the admin API. */
  readonly isMaster: boolean;
  readonly userId?: string;
  readonly teamId?: string;
  readonly orgId?: string;
  /** Model names (or `prefix/*` patterns) this principal may call; undefined means all. */
  readonly allowedModels?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
  /** The key's own rate limits (a virtual key's), over the config's rules for keys. */
  readonly rateLimits?: { readonly rpm?: number; readonly tpm?: number; readonly parallel?: number };
  /** The rate limits its user, team and org were given through the admin API, over the config's rules for each. */
  readonly levelRateLimits?: Readonly<Partial<Record<'user' | 'team' | 'org', { readonly rpm?: number; readonly tpm?: number; readonly parallel?: number }>>>;
  /** The models its user, team and org were limited to (names or `prefix/*` patterns): a model must be in each list, and in `allowedModels`. */
  readonly levelModels?: readonly { readonly scope: 'user' | 'team' | 'org'; readonly id: string; readonly models: readonly string[] }[];
  /** Tags every request of the key carries (a virtual key's or a config key's `tags`), ahead of the client's `x-tollgate-tags`. */
  readonly tags?: readonly string[];
  /** May narrow routing per request with `x-tollgate-fallbacks` / `x-tollgate-timeout-ms` (always, for the master key). */
  readonly routingControl?: boolean;
}
