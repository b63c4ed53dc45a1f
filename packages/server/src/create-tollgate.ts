import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from 'express';
import type { Logger as PinoLogger } from 'pino';
import { ConfigError, createGateway, definePlugin, validateGatewayConfig, type ConfigIssue, type Gateway, type GatewayConfig, type LoadedPlugin } from '@tollgate/core';
import { defaultConfig } from './config/default-config.js';
import { interpolateEnv } from './config/interpolate-env.js';
import { loadConfigFile } from './config/load-config-file.js';
import { loadPlugins, type PluginReference } from './config/load-plugins.js';
import { createCorsHandler } from './http/cors.js';
import { createRequestListener } from './http/create-request-listener.js';
import { createRouter } from './http/create-router.js';
import { createGatewayRoutes, withUnversionedOpenAIRoutes } from './http/gateway-routes.js';
import { RequestTracker } from './http/request-tracker.js';
import { createLogger } from './logging/create-logger.js';
import { createBodyCaptureHooks } from './logging/body-capture.js';
import { createRequestLogHook } from './logging/create-request-log-hook.js';

/** Options of {@link createTollgate}: a config file, or a config object. */
export interface CreateTollgateOptions {
  /** A config file path; without it (and without `config`), `tollgate.config.*` is searched in `cwd`. */
  readonly configFile?: string;
  /** A config object (same shape as the file); `${ENV}` references are interpolated too. */
  readonly config?: Record<string, unknown>;
  /** Where to search for the config and resolve plugin packages from (default: `process.cwd()`). */
  readonly cwd?: string;
  /** Plugins already imported by the host app, run after the config's (for in-process hooks). */
  readonly plugins?: readonly LoadedPlugin[];
  /** A pino logger to use instead of the default stdout one. */
  readonly logger?: PinoLogger;
  /** Environment for `${ENV}` interpolation and `TOLLGATE_MASTER_KEY` (default: `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long `close()` waits for requests in flight, in ms (default 30 s). */
  readonly drainTimeoutMs?: number;
}

/** A running gateway, ready to mount. */
export interface Tollgate {
  /** The Express router serving the gateway's routes; mount it under any path. */
  readonly router: Router;
  /** The same routes as a plain `node:http` request listener (what `tollgate start` serves). */
  readonly requestListener: (req: IncomingMessage, res: ServerResponse) => void;
  readonly gateway: Gateway;
  readonly config: GatewayConfig;
  readonly logger: PinoLogger;
  /** Where the config came from: a file path, `(object)` or `(built-in default)`. */
  readonly configSource: string;
  /**
   * A master key generated for this run because the config declared none: shown once by the CLI,
   * never logged, never stored.
   */
  readonly generatedMasterKey: string | undefined;
  /** Stops taking requests, waits for those in flight, then closes plugins and flushes logs. */
  close(): Promise<void>;
}

const serverDirectory = dirname(fileURLToPath(import.meta.url));

/**
 * Builds a gateway from a config and returns its Express router.
 *
 * @example
 * const app = express();
 * const tollgate = await createTollgate({ configFile: './tollgate.config.yaml' });
 * app.use('/llm', tollgate.router);
 * app.listen(3000); // and tollgate.close() on shutdown
 */
export async function createTollgate(options: CreateTollgateOptions = {}): Promise<Tollgate> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  let rawConfig: unknown;
  let source: string;
  let pluginBase: string;
  if (options.config !== undefined) {
    rawConfig = options.config;
    source = '(object)';
    pluginBase = cwd;
  } else {
    const file = await loadConfigFile({ configFile: options.configFile, cwd });
    rawConfig = file?.config ?? defaultConfig;
    source = file?.filepath ?? '(built-in default)';
    // The built-in default's echo plugin is the server's own dependency.
    pluginBase = file === undefined ? serverDirectory : dirname(file.filepath);
  }

  // Every problem is collected and reported together: env, shape, plugin loading, options, targets.
  const issues: ConfigIssue[] = [];
  const interpolated = interpolateEnv(rawConfig, env, issues) as Record<string, unknown>;
  const shape = validateGatewayConfig(interpolated);
  if (!shape.ok) throw new ConfigError([...issues, ...shape.issues], source);

  const logger = options.logger ?? createLogger({ level: shape.config.logging.level });
  const auth = (interpolated.auth ?? {}) as { masterKey?: string; keys?: unknown[] };
  let generatedMasterKey: string | undefined;
  let masterKey = auth.masterKey ?? (env.TOLLGATE_MASTER_KEY || undefined);
  if (masterKey === undefined && (auth.keys ?? []).length === 0) {
    // In cluster mode the primary generates one key for all workers.
    generatedMasterKey = env.TOLLGATE_GENERATED_MASTER_KEY || `sk-tollgate-dev-${randomBytes(18).toString('base64url')}`;
    masterKey = generatedMasterKey;
  }
  const config = { ...interpolated, auth: { ...auth, ...(masterKey === undefined ? {} : { masterKey }) } };

  const loaded = await loadPlugins(shape.config.plugins as PluginReference[], pluginBase, issues);
  const serverPlugin = definePlugin({
    name: '@tollgate/server',
    setup(api) {
      const { requests, bodies } = shape.config.logging;
      if (requests && bodies) {
        const capture = createBodyCaptureHooks();
        api.addHook('transform.response', capture['transform.response']);
        api.addHook('transform.chunk', capture['transform.chunk']);
      }
      if (requests) api.addHook('log', createRequestLogHook(logger, bodies));
    },
  });
  let gateway: Gateway;
  try {
    gateway = await createGateway({ config, plugins: [...loaded, ...(options.plugins ?? []), { plugin: serverPlugin }], logger, source });
  } catch (error) {
    if (ConfigError.isInstance(error)) throw new ConfigError([...issues, ...error.issues], source);
    throw error;
  }
  if (issues.length > 0) {
    await gateway.close();
    throw new ConfigError(issues, source);
  }

  const tracker = new RequestTracker();
  const routes = createGatewayRoutes({ gateway, logger, bodyLimit: gateway.config.server.bodyLimit, tracker, logRequests: gateway.config.logging.requests });
  const cors = gateway.config.server.cors === undefined ? undefined : createCorsHandler(gateway.config.server.cors);
  const router = createRouter(routes, cors);
  const requestListener = createRequestListener(withUnversionedOpenAIRoutes(routes), cors);
  let closing: Promise<void> | undefined;
  return {
    router,
    requestListener,
    gateway,
    config: gateway.config,
    logger,
    configSource: source,
    generatedMasterKey,
    close: () =>
      (closing ??= (async () => {
        await tracker.drain(options.drainTimeoutMs ?? 30_000);
        await gateway.close();
        // The last lines written before the process may exit; a destination that never answers does not hold shutdown up.
        await new Promise<void>((resolve) => {
          setTimeout(resolve, 2_000).unref();
          logger.flush(() => resolve());
        });
      })()),
  };
}
