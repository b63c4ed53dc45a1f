import { z } from 'zod';

/** `provider/model`: the provider instance name, a slash, and the upstream model id (may hold slashes). */
const targetReference = z
  .string()
  .regex(/^[^/\s]+\/\S+$/, 'must read "provider/model" (for example "openai/gpt-4o-mini")');

const modelRouteSchema = z
  .strictObject({
    /** One target. */
    target: targetReference.optional(),
    /** Several targets, tried in order when one fails with a retryable error. */
    targets: z.array(targetReference).min(1).optional(),
    strategy: z.literal('fallback').default('fallback'),
    description: z.string().optional(),
  })
  .refine((route) => (route.target === undefined) !== (route.targets === undefined), {
    message: 'give exactly one of "target" or "targets"',
  });

const configuredKeySchema = z.strictObject({
  /** The secret; use `${ENV_VAR}` rather than writing it in the file. */
  key: z.string().min(16, 'must be at least 16 characters'),
  name: z.string().min(1),
  /** Model names (or `prefix/*` patterns) the key may call; all when left out. */
  models: z.array(z.string().min(1)).optional(),
});

const pluginReferenceSchema = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1), options: z.unknown().optional() }),
]);

/** Parses a size like `10mb`, `512kb` or a number of bytes. */
const byteSize = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'must be a size such as "10mb" or a number of bytes')
    .transform((text) => {
      const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text)!;
      const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase() as 'b'];
      return Math.floor(Number(match[1]) * unit);
    }),
]);

/** The schema of a whole Tollgate configuration file (after `${ENV}` interpolation). */
export const gatewayConfigSchema = z.strictObject({
  /** Plugin packages or local files, with options; order is execution order within a phase. */
  plugins: z.array(pluginReferenceSchema).default([]),
  server: z
    .strictObject({
      port: z.coerce.number().int().min(0).max(65535).default(4000),
      host: z.string().min(1).default('127.0.0.1'),
      /** Largest request body accepted; larger bodies get 413. */
      bodyLimit: byteSize.default(10 * 1024 * 1024),
    })
    .prefault({}),
  auth: z
    .strictObject({
      /** The master key: every model and the admin API. Defaults to `$TOLLGATE_MASTER_KEY`. */
      masterKey: z.string().min(16, 'must be at least 16 characters').optional(),
      /** Keys declared in the config (virtual keys come from the governance plugins). */
      keys: z.array(configuredKeySchema).default([]),
    })
    .prefault({}),
  /** Provider instances by name; each entry's other options are validated by its `type`'s plugin. */
  providers: z.record(z.string().regex(/^[^/\s]+$/, 'must not contain "/" or spaces'), z.looseObject({ type: z.string().min(1) })).default({}),
  /** Model names clients use, mapped to targets. A name may end in `*` to route a whole family. */
  models: z.record(z.string().min(1), modelRouteSchema).default({}),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** One log line per request. */
      requests: z.boolean().default(true),
    })
    .prefault({}),
});

/** A validated Tollgate configuration. */
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** A configuration as written (before defaults). */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;

/** One model route of the configuration. */
export type ModelRouteConfig = GatewayConfig['models'][string];
