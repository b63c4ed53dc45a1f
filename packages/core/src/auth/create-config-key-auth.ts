import { hash, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../context/principal.js';
import type { HookMap } from '../plugin/hook-map.js';

/** A key declared in the config. */
export interface ConfiguredKey {
  readonly key: string;
  readonly name: string;
  readonly models?: readonly string[] | undefined;
  readonly routingControl?: boolean | undefined;
  readonly team?: string | undefined;
  readonly user?: string | undefined;
  readonly org?: string | undefined;
  readonly tags?: readonly string[] | undefined;
}

/** What the config-key authenticator knows. */
export interface ConfigKeyAuthOptions {
  readonly masterKey: string | undefined;
  readonly keys: readonly ConfiguredKey[];
}

/** One-shot SHA-256 (`crypto.hash`: no Hash object per request). */
function sha256(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

/** The prefix of a config key's id (`config:<name>`), which ledgers and logs record. */
const configKeyIdPrefix = 'config:';

/** Whether a principal's key id is a config key's (not a virtual key's, nor the master key's). */
export function isConfigKeyId(keyId: string): boolean {
  return keyId.startsWith(configKeyIdPrefix);
}

/** How many recently accepted credentials are remembered, so a busy key is not hashed on every request. */
const rememberedCredentials = 256;

/**
 * The first `auth` hook: recognizes the master key and the keys declared in the config. Keys are
 * hashed once at startup; a presented key is hashed, then compared in constant time (master key) or
 * looked up by hash (config keys), so timing reveals nothing about a key. The last few hundred
 * credentials that matched are remembered (they are config keys, in memory anyway), which saves the
 * hash on the requests of a busy key; a credential that did not match is never remembered.
 */
export function createConfigKeyAuth(options: ConfigKeyAuthOptions): HookMap['auth'] {
  const masterHash = options.masterKey === undefined ? undefined : sha256(options.masterKey);
  const master: Principal = { keyId: 'master', keyName: 'master', isMaster: true };
  const byHash = new Map<string, Principal>();
  for (const configured of options.keys) {
    const hash = sha256(configured.key).toString('hex');
    byHash.set(hash, {
      keyId: `${configKeyIdPrefix}${configured.name}`,
      keyName: configured.name,
      isMaster: false,
      routingControl: configured.routingControl === true,
      ...(configured.models === undefined ? {} : { allowedModels: configured.models }),
      ...(configured.team === undefined ? {} : { teamId: configured.team }),
      ...(configured.user === undefined ? {} : { userId: configured.user }),
      ...(configured.org === undefined ? {} : { orgId: configured.org }),
      ...(configured.tags === undefined || configured.tags.length === 0 ? {} : { tags: configured.tags }),
    });
  }
  const accepted = new Map<string, Principal>();
  return function configKeyAuth(context) {
    if (context.principal !== undefined || context.credential === undefined) return;
    const known = accepted.get(context.credential);
    if (known !== undefined) {
      context.principal = known;
      return;
    }
    const presented = sha256(context.credential);
    const principal = masterHash !== undefined && timingSafeEqual(presented, masterHash) ? master : byHash.get(presented.toString('hex'));
    if (principal === undefined) return;
    if (accepted.size >= rememberedCredentials) accepted.delete(accepted.keys().next().value!);
    accepted.set(context.credential, principal);
    context.principal = principal;
  };
}
