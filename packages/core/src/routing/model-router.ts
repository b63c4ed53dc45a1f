import type { Provider } from '../provider/provider.js';
import type { RouteTarget } from '../provider/route-target.js';
import type { ModelRouteConfig } from '../config/gateway-config.js';
import { parseTargetReference } from './parse-target-reference.js';

interface WildcardRoute {
  readonly prefix: string;
  readonly suffix: string;
  readonly targets: readonly string[];
}

/**
 * Resolves the model name a client sends to the targets to try. Built once at startup: exact names in
 * a map, wildcard names (`or/*`) by longest prefix; a `*` in a target takes what the name's `*` matched.
 */
export class ModelRouter {
  readonly #exact = new Map<string, readonly RouteTarget[]>();
  readonly #wildcards: WildcardRoute[] = [];
  readonly #providers: ReadonlyMap<string, Provider>;

  constructor(models: Readonly<Record<string, ModelRouteConfig>>, providers: ReadonlyMap<string, Provider>) {
    this.#providers = providers;
    for (const [name, route] of Object.entries(models)) {
      const references = route.targets ?? [route.target!];
      const star = name.indexOf('*');
      if (star === -1) {
        this.#exact.set(name, references.map((reference) => this.#target(reference)));
      } else {
        this.#wildcards.push({ prefix: name.slice(0, star), suffix: name.slice(star + 1), targets: references });
      }
    }
    this.#wildcards.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The targets for a model name, or undefined when no route matches. */
  resolve(model: string): readonly RouteTarget[] | undefined {
    const exact = this.#exact.get(model);
    if (exact !== undefined) return exact;
    for (const route of this.#wildcards) {
      if (model.length >= route.prefix.length + route.suffix.length && model.startsWith(route.prefix) && model.endsWith(route.suffix)) {
        const matched = model.slice(route.prefix.length, model.length - route.suffix.length);
        if (matched === '') continue;
        return route.targets.map((reference) => this.#target(reference.replace('*', matched)));
      }
    }
    return undefined;
  }

  /** The model names clients can use (exact names; wildcard families are not listed). */
  listModels(): string[] {
    return [...this.#exact.keys()];
  }

  #target(reference: string): RouteTarget {
    const { provider, model } = parseTargetReference(reference);
    // Startup validation guarantees the provider exists.
    return { provider: this.#providers.get(provider)!, model, id: reference };
  }
}
