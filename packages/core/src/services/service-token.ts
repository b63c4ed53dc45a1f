/**
 * A typed key for a service in the gateway's container. Plugins `provide` a service under a token; the
 * engine and other plugins resolve it by the same token.
 */
export interface ServiceToken<T> {
  readonly key: symbol;
  readonly name: string;
  /** Type carrier only; never set. */
  readonly __service?: T;
}

/** Creates a token; tokens with the same name are the same token, across package copies. */
export function createServiceToken<T>(name: string): ServiceToken<T> {
  return { key: Symbol.for(`tollgate.service.${name}`), name };
}
