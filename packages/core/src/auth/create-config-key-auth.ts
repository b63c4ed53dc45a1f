import { createHash, timingSafeEqual } from 'node:crypto';
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
}

/** What the config-key authenticator knows. */
export interface ConfigKeyAuthOptions {
  readonly masterKey: string | undefined;
  readonly keys: readonly ConfiguredKey[];
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * The first `auth` hook: recognizes the master key and the keys declared in the config. Keys are
 * hashed once at startup; a presented key is hashed once per request, then compared in constant time
 * (master key) or looked up by hash (config keys), so timing reveals nothing about a key.
 */
export function createConfigKeyAuth(options: ConfigKeyAuthOptions): HookMap['auth'] {
  const masterHash = options.masterKey === undefined ? undefined : sha256(options.masterKey);
  const master: Principal = { keyId: 'master', keyName: 'master', isMaster: true };
  const byHash = new Map<string, Principal>();
  for (const configured of options.keys) {
    const hash = sha256(configured.key).toString('hex');
    byHash.set(hash, {
      keyId: `config:${configured.name}`,
      keyName: configured.name,
      isMaster: false,
      routingControl: configured.routingControl === true,
      ...(configured.models === undefined ? {} : { allowedModels: configured.models }),
      ...(configured.team === undefined ? {} : { teamId: configured.team }),
      ...(configured.user === undefined ? {} : { userId: configured.user }),
      ...(configured.org === undefined ? {} : { orgId: configured.org }),
    });
  }
  return function configKeyAuth(context) {
    if (context.principal !== undefined || context.credential === undefined) return;
    const presented = sha256(context.credential);
    if (masterHash !== undefined && timingSafeEqual(presented, masterHash)) {
      context.principal = master;
      return;
    }
    const principal = byHash.get(presented.toString('hex'));
    if (principal !== undefined) context.principal = principal;
  };
}
