import type { ModelRouteConfig, RoutingDefaults, TargetConfig } from '../config/gateway-config.js';
import type { Provider } from '../provider/provider.js';
import type { RouteTarget } from '../provider/route-target.js';
import type { Pricing } from '../services/pricing.js';
import { parseTargetReference } from './parse-target-reference.js';
import type { CooldownPolicy, RoutePolicy } from './route-policy.js';
import { createRoutingStrategy, type StrategyName } from './strategies/create-routing-strategy.js';
import { targetsForTags, type TaggedTarget } from './targets-for-tags.js';

/** The targets of a model name (in configured order) and how to dispatch them. */
export interface ResolvedRoute {
  readonly targets: readonly RouteTarget[];
  readonly policy: RoutePolicy;
  /** The model's context window as the config gives it (`contextLength`). */
  readonly contextLength?: number;
}

interface WildcardRoute {
  readonly name: string;
  readonly prefix: string;
  readonly suffix: string;
  readonly targets: readonly TargetConfig[];
  /** Its targets' tags, the same for every model of the family. */
  readonly tagged: readonly TaggedTarget[];
  readonly policy: RoutePolicy;
  readonly contextLength: number | undefined;
  /** Its targets' minutes are counted without a quota (the `usage-based` strategy reads them). */
  readonly counted: boolean;
}

/** Resolved wildcard names kept, so a family's routes are built once, not per request. */
const wildcardCacheSize = 1000;

/**
 * OpenRouter's sorting suffixes, on the name of a group the config defines: `:floor` tries its
 * cheapest target first (`lowest-cost`), `:nitro` its fastest (`least-latency`: by time to first byte,
 * which Tollgate measures, where OpenRouter sorts by throughput). A wildcard family is given the name
 * as it is: an OpenRouter target reads the suffix itself.
 */
const sortingSuffixes: readonly (readonly [string, StrategyName])[] = [[':floor', 'lowest-cost'], [':nitro', 'least-latency']];

/**
 * Resolves the model name a client sends to a route. Built once at startup: exact names in a map,
 * wildcard names (`or/*`) by longest prefix; a `*` in a target takes what the name's `*` matched.
 */
export class ModelRouter {
  readonly #exact = new Map<string, ResolvedRoute>();
  /** Each exact group's name with a sorting suffix (`smart:floor`): the group's route in that order, and the group's name. */
  readonly #sorted = new Map<string, { readonly route: ResolvedRoute; readonly group: string }>();
  readonly #wildcards: WildcardRoute[] = [];
  readonly #wildcardCache = new Map<string, ResolvedRoute>();
  readonly #providers: ReadonlyMap<string, Provider>;
  readonly #pricing: Pricing | undefined;
  /** The policy of targets a `route` hook chose itself: the gateway's defaults, in the given order. */
  readonly defaultPolicy: RoutePolicy;

  constructor(
    models: Readonly<Record<string, ModelRouteConfig>>,
    providers: ReadonlyMap<string, Provider>,
    defaults: RoutingDefaults,
    random: () => number = Math.random,
    pricing?: Pricing,
  ) {
    this.#providers = providers;
    this.#pricing = pricing;
    this.defaultPolicy = createPolicy('(route hook)', { strategy: 'fallback', targets: ['-/-', '-/-'] } as ModelRouteConfig, defaults, random);
    for (const [name, route] of Object.entries(models)) {
      const targets = route.targets ?? [route.target!];
      const policy = createPolicy(name, route, defaults, random);
      const star = name.indexOf('*');
      if (star === -1) {
        this.#exact.set(name, { targets: targets.map((target) => this.#target(target, undefined, route.strategy === 'usage-based')), policy, ...(route.contextLength === undefined ? {} : { contextLength: route.contextLength }) });
      } else {
        const tagged = targets.map((target) => (typeof target === 'string' ? {} : { tags: target.tags }));
        this.#wildcards.push({ name, prefix: name.slice(0, star), suffix: name.slice(star + 1), targets, tagged, policy, contextLength: route.contextLength, counted: route.strategy === 'usage-based' });
      }
    }
    this.#wildcards.sort((a, b) => b.prefix.length - a.prefix.length);
    for (const [name, route] of this.#exact) {
      for (const [suffix, strategy] of sortingSuffixes) {
        if (this.#exact.has(`${name}${suffix}`)) continue;
        this.#sorted.set(`${name}${suffix}`, { route: { ...route, policy: { ...route.policy, strategy: createRoutingStrategy(strategy, random) } }, group: name });
      }
    }
  }

  /** The configured group a model name calls: the name itself, or the group a sorting suffix is on (`smart` for `smart:floor`). */
  groupOf(model: string): string {
    return this.#sorted.get(model)?.group ?? model;
  }

  /** The route of a model name, or undefined when none matches. */
  resolve(model: string): ResolvedRoute | undefined {
    const exact = this.#exact.get(model) ?? this.#sorted.get(model)?.route ?? this.#wildcardCache.get(model);
    if (exact !== undefined) return exact;
    const family = this.#familyOf(model);
    if (family === undefined) return undefined;
    const { route, matched } = family;
    const resolved: ResolvedRoute = { targets: route.targets.map((target) => this.#target(target, matched, route.counted)), policy: route.policy, ...(route.contextLength === undefined ? {} : { contextLength: route.contextLength }) };
    if (this.#wildcardCache.size >= wildcardCacheSize) this.#wildcardCache.clear();
    this.#wildcardCache.set(model, resolved);
    return resolved;
  }

  /**
   * Whether a model name routes and some target of its route serves requests with `tags` (tag-based
   * routing): what a key with those tags can call. A wildcard family is judged without building its route.
   */
  servesTags(model: string, tags: readonly string[] | undefined): boolean {
    const exact = this.#exact.get(model) ?? this.#sorted.get(model)?.route ?? this.#wildcardCache.get(model);
    if (exact !== undefined) return targetsForTags(exact.targets, tags).length > 0;
    const family = this.#familyOf(model);
    return family !== undefined && targetsForTags(family.route.tagged, tags).length > 0;
  }

  /** The longest-prefix wildcard family a model name belongs to, and what its `*` matched. */
  #familyOf(model: string): { readonly route: WildcardRoute; readonly matched: string } | undefined {
    for (const route of this.#wildcards) {
      if (model.length >= route.prefix.length + route.suffix.length && model.startsWith(route.prefix) && model.endsWith(route.suffix)) {
        const matched = model.slice(route.prefix.length, model.length - route.suffix.length);
        if (matched !== '') return { route, matched };
      }
    }
    return undefined;
  }

  /**
   * The targets of the exact routes that have no known price — neither the target's own `price` nor
   * the price source's — each once, as written (`gpu-box/llama-3.3-70b`). Wildcard routes' targets are
   * priced per model, when a request names one.
   */
  unpricedTargets(): string[] {
    const unpriced = new Set<string>();
    for (const route of this.#exact.values()) for (const target of route.targets) if (target.price === undefined) unpriced.add(target.id);
    return [...unpriced];
  }

  /** The targets of the exact routes that have a quota (`rpm`, `tpm`) or are counted for `usage-based`, each once. */
  quotaTargets(): RouteTarget[] {
    const byId = new Map<string, RouteTarget>();
    for (const route of this.#exact.values()) for (const target of route.targets) if (target.quota !== undefined && !byId.has(target.id)) byId.set(target.id, target);
    return [...byId.values()];
  }

  /** The model names clients can use: exact names, and the models of a wildcard family its provider knows (a catalog). */
  listModels(): string[] {
    const names = [...this.#exact.keys()];
    // A wildcard route lists the models its provider knows (a catalog), mapped through its `*`.
    for (const route of this.#wildcards) {
      const first = route.targets[0]!;
      const { provider, model } = parseTargetReference(typeof first === 'string' ? first : first.target);
      const star = model.indexOf('*');
      const known = this.#providers.get(provider)?.knownModels;
      if (star === -1 || known === undefined) continue;
      const [prefix, suffix] = [model.slice(0, star), model.slice(star + 1)];
      for (const id of known) {
        if (id.length >= prefix.length + suffix.length && id.startsWith(prefix) && id.endsWith(suffix)) names.push(`${route.prefix}${id.slice(prefix.length, id.length - suffix.length)}${route.suffix}`);
      }
    }
    return [...new Set(names)];
  }

  /** A configured target; `counted` gives it a quota, empty when it has none, so its minute is counted (`usage-based`). */
  #target(config: TargetConfig, matched: string | undefined, counted: boolean): RouteTarget {
    const overrides = typeof config === 'string' ? undefined : config;
    const written = overrides?.target ?? (config as string);
    const reference = matched === undefined ? written : written.replace('*', matched);
    const { provider, model } = parseTargetReference(reference);
    // Startup validation guarantees the provider exists.
    const instance = this.#providers.get(provider)!;
    // A configured price wins; else the price source's, for lowest-cost routing.
    const price = overrides?.price ?? this.#pricing?.prices({ provider, priceProvider: instance.priceProvider, model });
    const contextLength = overrides?.contextLength ?? this.#pricing?.contextWindow?.({ provider, priceProvider: instance.priceProvider, model });
    return {
      provider: instance,
      model,
      id: reference,
      weight: overrides?.weight ?? 1,
      ...(overrides?.timeouts === undefined ? {} : { timeouts: overrides.timeouts }),
      ...(overrides?.maxRetries === undefined ? {} : { maxRetries: overrides.maxRetries }),
      ...(overrides?.params === undefined ? {} : { params: overrides.params }),
      ...(price === undefined ? {} : { price: { input: price.input, output: price.output } }),
      ...(overrides?.tags === undefined ? {} : { tags: overrides.tags }),
      ...(contextLength === undefined ? {} : { contextLength }),
      ...(overrides?.rpm === undefined && overrides?.tpm === undefined && !counted ? {} : { quota: { ...(overrides?.rpm === undefined ? {} : { rpm: overrides.rpm }), ...(overrides?.tpm === undefined ? {} : { tpm: overrides.tpm }) } }),
    };
  }
}

function createPolicy(group: string, route: ModelRouteConfig, defaults: RoutingDefaults, random: () => number): RoutePolicy {
  let cooldown: CooldownPolicy;
  if (route.cooldown === false || (route.cooldown === undefined && defaults.cooldown === false)) cooldown = false;
  else {
    const base = defaults.cooldown === false ? { failures: 3, cooldownMs: 30_000 } : defaults.cooldown;
    cooldown = { failures: route.cooldown?.failures ?? base.failures, cooldownMs: route.cooldown?.cooldownMs ?? base.cooldownMs };
  }
  return {
    group,
    strategy: createRoutingStrategy(route.strategy, random),
    retries: { ...defaults.retries, ...route.retries },
    timeouts: { ...defaults.timeouts, ...route.timeouts },
    cooldown: (route.targets?.length ?? 1) > 1 ? cooldown : false,
    fallbacks: route.fallbacks ?? {},
  };
}
