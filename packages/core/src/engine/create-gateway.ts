import 'reflect-metadata';
import tsyringe from 'tsyringe';
import type { z } from 'zod';
import { createConfigKeyAuth } from '../auth/create-config-key-auth.js';
import { gatewayConfigSchema, type GatewayConfig } from '../config/gateway-config.js';
import { validateWithSchema } from '../config/validate-with-schema.js';
import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { PluginInstance, TollgatePlugin } from '../plugin/define-plugin.js';
import { isTollgatePlugin } from '../plugin/define-plugin.js';
import type { HookMap, HookPhase } from '../plugin/hook-map.js';
import { hookPhases } from '../plugin/hook-map.js';
import type { PluginApi } from '../plugin/plugin-api.js';
import type { ProviderDefinition } from '../plugin/provider-definition.js';
import type { Provider } from '../provider/provider.js';
import { parseTargetReference } from '../routing/parse-target-reference.js';
import { ModelRouter } from '../routing/model-router.js';
import { QuotaSharing } from '../routing/quota-sharing.js';
import { TargetQuotas } from '../routing/target-quotas.js';
import { Clock, systemClock } from '../services/clock.js';
import { Ledger } from '../services/ledger.js';
import { Pricing } from '../services/pricing.js';
import { Logger, silentLogger } from '../services/logger.js';
import type { ServiceToken } from '../services/service-token.js';
import { TargetCircuits } from '../services/target-circuits.js';
import { TargetQuotaUsage } from '../services/target-quota-usage.js';
import { TargetQuotaExchange } from '../services/target-quota-exchange.js';
import { PrincipalLevels } from '../services/principal-levels.js';
import { composeHooks, createHookCollector, type AnswerReaders } from './composed-hooks.js';
import { Engine } from './engine.js';

/** A plugin module already imported by the host, with the options the config gives it. */
export interface LoadedPlugin {
  readonly plugin: TollgatePlugin<any>;
  readonly options?: unknown;
  /** Where the plugin appears in the config (`plugins[1]`), for error paths. */
  readonly configPath?: string;
}

/** What `createGateway` assembles a gateway from. */
export interface CreateGatewayOptions {
  /** The configuration object (after `${ENV}` interpolation); validated here. */
  readonly config: unknown;
  /** Plugins in config order. Core imports no modules: the host (the server) loads them. */
  readonly plugins?: readonly LoadedPlugin[];
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Where the config came from, for error messages. */
  readonly source?: string;
  /** The random source of routing strategies and backoff jitter (tests make it deterministic). */
  readonly random?: () => number;
}

/** An assembled gateway: the engine and what it was built from. */
export interface Gateway {
  readonly engine: Engine;
  readonly config: GatewayConfig;
  readonly logger: Logger;
  /** What the config will do that its author may not expect (targets without a known price), also logged at startup. */
  readonly warnings: readonly string[];
  /** Resolves a service provided by a plugin or the host. */
  resolve<T>(token: ServiceToken<T>): T | undefined;
  /** Drains finished requests, then closes providers and plugins (in reverse order). Idempotent. */
  close(): Promise<void>;
}

const { container: rootContainer } = tsyringe;

/**
 * The composition root. Validates the config, sets up each plugin once (in config order), builds the
 * provider instances and the model table, composes the hook arrays and returns the engine. Every
 * problem found is reported together in one {@link ConfigError}, each under its config path.
 *
 * @example
 * const gateway = await createGateway({ config, plugins: [{ plugin: echoPlugin }] });
 * const result = await gateway.engine.handleChat(new RequestContext({ ... }));
 */
export async function createGateway(options: CreateGatewayOptions): Promise<Gateway> {
  const logger = options.logger ?? silentLogger;
  const issues: ConfigIssue[] = [];
  const parsed = validateWithSchema(gatewayConfigSchema, options.config, '');
  if (!parsed.ok) issues.push(...parsed.issues);
  const config = parsed.ok ? parsed.value : undefined;

  // Services live in a child container of tsyringe's: the engine resolves them once, by token.
  const services = rootContainer.createChildContainer();
  services.register(Logger.key, { useValue: logger });
  services.register(Clock.key, { useValue: options.clock ?? systemClock });
  const resolve = <T>(token: ServiceToken<T>): T | undefined =>
    services.isRegistered(token.key, true) ? services.resolve<T>(token.key) : undefined;

  const hooks = createHookCollector();
  const answerReaders: AnswerReaders = { chunk: new Set() };
  const providerTypes = new Map<string, { definition: ProviderDefinition; pluginName: string }>();
  const instances: PluginInstance[] = [];
  const closeAll = async () => {
    for (const instance of [...instances].reverse()) await instance.close?.();
  };

  if (config !== undefined) {
    hooks.auth.push(createConfigKeyAuth({ masterKey: config.auth.masterKey, keys: config.auth.keys }));
  }

  for (const [index, loaded] of (options.plugins ?? []).entries()) {
    const path = loaded.configPath ?? `plugins[${index}]`;
    if (!isTollgatePlugin(loaded.plugin)) {
      issues.push({ path, message: 'is not a Tollgate plugin (its default export must come from definePlugin)' });
      continue;
    }
    const plugin = loaded.plugin;
    let pluginOptions: unknown = loaded.options;
    if (plugin.options !== undefined) {
      const checked = validateWithSchema(plugin.options, loaded.options, `${path}.options`);
      if (!checked.ok) {
        issues.push(...checked.issues);
        continue;
      }
      pluginOptions = checked.value;
    }
    const api = createPluginApi(plugin.name, moduleLogger(logger, { plugin: plugin.name }, config?.logging.modules[plugin.name]), hooks, answerReaders, providerTypes, services, resolve, issues, path);
    try {
      const instance = await plugin.setup(api, pluginOptions as never);
      if (instance) instances.push(instance);
    } catch (error) {
      issues.push({ path, message: `setup of ${plugin.name} failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  const providers = new Map<string, Provider>();
  const rawProviders = config?.providers ?? objectAt(options.config, 'providers');
  for (const [name, entry] of Object.entries(rawProviders ?? {})) {
    const { type, ...instanceOptions } = entry as { type?: unknown };
    if (typeof type !== 'string') continue; // already reported by the schema
    const registered = providerTypes.get(type);
    if (registered === undefined) {
      const known = [...providerTypes.keys()].join(', ') || 'none (add a provider plugin under `plugins`)';
      issues.push({ path: `providers.${name}.type`, message: `unknown provider type "${type}"; the loaded plugins provide: ${known}` });
      continue;
    }
    const checked = validateWithSchema(registered.definition.options, instanceOptions, `providers.${name}`);
    if (!checked.ok) {
      issues.push(...checked.issues);
      continue;
    }
    if (issues.length === 0) {
      providers.set(name, registered.definition.create(checked.value, { name, logger: moduleLogger(logger, { provider: name }, config?.logging.modules[name]) }));
    } else {
      providers.set(name, undefined as never); // placeholder: only its name matters for model checks
    }
  }

  // Targets are checked even when another part of the config failed, so every problem shows at once.
  for (const [model, route] of Object.entries(config?.models ?? objectAt(options.config, 'models') ?? {})) {
    const { target, targets } = (route ?? {}) as { target?: unknown; targets?: unknown };
    const references = Array.isArray(targets) ? targets : [target];
    references.forEach((item: unknown, index) => {
      const reference = typeof item === 'object' && item !== null ? (item as { target?: unknown }).target : item;
      if (typeof reference !== 'string' || !reference.includes('/')) return; // the schema reports it
      const { provider } = parseTargetReference(reference);
      if (!providers.has(provider) && rawProviders?.[provider] === undefined) {
        const path = Array.isArray(targets) ? `models.${model}.targets[${index}]` : `models.${model}.target`;
        const known = Object.keys(rawProviders ?? {}).join(', ') || 'none';
        issues.push({ path, message: `unknown provider "${provider}"; configured providers: ${known}` });
      }
    });
  }

  // Fallback groups must exist.
  for (const [model, route] of Object.entries(config?.models ?? {})) {
    for (const [kind, name] of Object.entries(route.fallbacks ?? {})) {
      if (name !== undefined && !modelNameIsRouted(name, config!.models)) {
        issues.push({ path: `models.${model}.fallbacks.${kind}`, message: `unknown model "${name}"; it must be a name under \`models\`` });
      }
    }
  }

  if (issues.length > 0 || config === undefined) {
    await Promise.allSettled([...providers.values()].filter(Boolean).map((provider) => provider.close?.()));
    await closeAll().catch(() => undefined);
    throw new ConfigError(issues, options.source);
  }

  const ledger = resolve(Ledger);
  const pricing = resolve(Pricing);
  const principalLevels = resolve(PrincipalLevels);
  const router = new ModelRouter(config.models, providers, config.routing, options.random, pricing);
  const clock = options.clock ?? systemClock;
  const quotas = new TargetQuotas(clock);
  const quotaExchange = resolve(TargetQuotaExchange);
  const quotaTargets = router.quotaTargets();
  // Shared only where a plugin can and a route counts a target's minute.
  const quotaSharing = quotaExchange === undefined || quotaTargets.length === 0 ? undefined : new QuotaSharing(quotas, quotaExchange, quotaTargets.map((target) => target.id), logger);
  // Without a price source every cost is unknown anyway; with one, say which targets it cannot price.
  const unpriced = pricing === undefined ? [] : router.unpricedTargets();
  const warnings =
    unpriced.length === 0
      ? []
      : [`no known price for ${unpriced.join(', ')}: their requests' cost is recorded as unknown unless the provider reports it (OpenRouter), and keys with a budget are refused them (the governance plugin's default); give their prices (@tollgate/pricing overrides, or the target's price)`];
  for (const warning of warnings) logger.warn({ targets: unpriced }, warning);
  const engine = new Engine({
    hooks: composeHooks(hooks),
    answerReaders,
    router,
    logger,
    ledger,
    pricing,
    ...(principalLevels === undefined ? {} : { principalLevels }),
    clock,
    quotas,
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  services.register(TargetCircuits.key, { useValue: { coolingTargets: () => engine.coolingTargets() } satisfies TargetCircuits });
  services.register(TargetQuotaUsage.key, { useValue: { quotaUsage: () => engine.quotaUsage() } satisfies TargetQuotaUsage });
  quotaSharing?.start();
  let closing: Promise<void> | undefined;
  return {
    engine,
    config,
    logger,
    warnings,
    resolve,
    close: () =>
      (closing ??= (async () => {
        await engine.drain();
        await quotaSharing?.stop();
        await ledger?.flush();
        await Promise.allSettled([...providers.values()].map((provider) => provider.close?.()));
        await closeAll();
      })()),
  };
}

/** True when a model name has a route: an exact name, or a wildcard family that matches it. */
function modelNameIsRouted(name: string, models: Readonly<Record<string, unknown>>): boolean {
  if (models[name] !== undefined) return true;
  return Object.keys(models).some((pattern) => {
    const star = pattern.indexOf('*');
    return star !== -1 && name.startsWith(pattern.slice(0, star)) && name.endsWith(pattern.slice(star + 1)) && name.length > pattern.length - 1;
  });
}

function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const inner = (value as Record<string, unknown>)[key];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : undefined;
}

/** A module's logger: its fields on every line, and its own level when the config gives one. */
function moduleLogger(logger: Logger, bindings: Record<string, unknown>, level: string | undefined): Logger {
  return level === undefined ? logger.child(bindings) : logger.child(bindings, { level });
}

function createPluginApi(
  pluginName: string,
  /** The plugin's own logger (bound to its name, at its module level). */
  logger: Logger,
  hooks: { [P in HookPhase]: HookMap[P][] },
  answerReaders: AnswerReaders,
  providerTypes: Map<string, { definition: ProviderDefinition; pluginName: string }>,
  services: ReturnType<typeof rootContainer.createChildContainer>,
  resolve: <T>(token: ServiceToken<T>) => T | undefined,
  issues: ConfigIssue[],
  path: string,
): PluginApi {
  const api: PluginApi = {
    pluginName,
    logger,
    registerProvider<TSchema extends z.ZodType>(type: string, definition: ProviderDefinition<TSchema>) {
      const existing = providerTypes.get(type);
      if (existing !== undefined) {
        issues.push({ path, message: `${pluginName} registers provider type "${type}", already registered by ${existing.pluginName}` });
        return;
      }
      providerTypes.set(type, { definition: definition as unknown as ProviderDefinition, pluginName });
    },
    addHook(phase, hook) {
      if (!hookPhases.includes(phase)) {
        throw new GatewayError('TOLLGATE_PLUGIN_INVALID', `${pluginName} adds a hook to unknown phase "${String(phase)}"; phases are: ${hookPhases.join(', ')}.`);
      }
      (hooks[phase] as unknown[]).push(hook);
      if (phase === 'transform.chunk') (answerReaders.chunk as Set<object>).add(api);
    },
    provide(token, value) {
      services.register(token.key, { useValue: value });
    },
    resolve,
  };
  return api;
}
