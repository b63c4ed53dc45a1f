import { z } from 'zod';

/** `provider/model`: the provider instance name, a slash, and the upstream model id (may hold slashes). */
const targetReference = z
  .string()
  .regex(/^[^/\s]+\/\S+$/, 'must read "provider/model" (for example "openai/gpt-4o-mini")');

const milliseconds = z.number().int().positive();

/** Upstream timeouts; any left out fall back to the group's, then the provider's. */
const timeoutsSchema = z.strictObject({
  connectMs: milliseconds.optional(),
  firstByteMs: milliseconds.optional(),
  idleMs: milliseconds.optional(),
  totalMs: milliseconds.optional(),
});

/** Retries of one target before moving to the next. */
const retriesSchema = z.strictObject({
  /** Retries of the same target after a retryable failure (0: none). */
  maxRetries: z.number().int().min(0).max(10).optional(),
  /** Base of the exponential backoff; each wait is random in [0, min(maxDelayMs, base × 2^retry)]. */
  baseDelayMs: milliseconds.optional(),
  maxDelayMs: milliseconds.optional(),
  /** Longest `retry-after` honoured; a longer one moves on to the next target instead. */
  maxRetryAfterMs: z.number().int().min(0).optional(),
});

/** The circuit breaker of each target of a group with more than one target. */
const cooldownSchema = z.union([
  z.literal(false),
  z.strictObject({
    /** Consecutive retryable failures that open the circuit. */
    failures: z.number().int().positive().optional(),
    /** How long an open target is skipped before one probe request is let through. */
    cooldownMs: milliseconds.optional(),
  }),
]);

/** A target with per-target overrides. */
const targetObjectSchema = z.strictObject({
  target: targetReference,
  /** Share of traffic under the `weighted` strategy. */
  weight: z.number().positive().default(1),
  timeouts: timeoutsSchema.optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  /** Extra upstream parameters merged into the request for this target (`{ temperature: 0 }`). */
  params: z.record(z.string(), z.unknown()).optional(),
  /** USD per million tokens, for the `lowest-cost` strategy (overrides the price table). */
  price: z.strictObject({ input: z.number().min(0), output: z.number().min(0) }).optional(),
});

const targetSchema = z.union([targetReference, targetObjectSchema]);

const modelRouteSchema = z
  .strictObject({
    /** One target. */
    target: targetSchema.optional(),
    /** A group of targets; `strategy` picks the order they are tried in. */
    targets: z.array(targetSchema).min(1).optional(),
    strategy: z.enum(['fallback', 'weighted', 'least-latency', 'least-busy', 'lowest-cost']).default('fallback'),
    retries: retriesSchema.optional(),
    timeouts: timeoutsSchema.optional(),
    cooldown: cooldownSchema.optional(),
    /** Other model names to try when every target refused for a reason a bigger or other model can fix. */
    fallbacks: z
      .strictObject({
        /** On `context_length_exceeded`: a model with a larger context window. */
        contextWindow: z.string().min(1).optional(),
        /** On a content-policy refusal (`content_policy_violation`, `content_filter`). */
        contentPolicy: z.string().min(1).optional(),
      })
      .optional(),
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
  /** May the key narrow routing per request (`x-tollgate-fallbacks`, `x-tollgate-timeout-ms`)? */
  routingControl: z.boolean().default(false),
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
  /** Defaults for every model group; a group's own settings win. */
  routing: z
    .strictObject({
      retries: z
        .strictObject({
          maxRetries: z.number().int().min(0).max(10).default(1),
          baseDelayMs: milliseconds.default(200),
          maxDelayMs: milliseconds.default(5_000),
          maxRetryAfterMs: z.number().int().min(0).default(10_000),
        })
        .prefault({}),
      cooldown: z
        .union([
          z.literal(false),
          z.strictObject({ failures: z.number().int().positive().default(3), cooldownMs: milliseconds.default(30_000) }),
        ])
        .prefault({}),
      timeouts: timeoutsSchema.default({}),
    })
    .prefault({}),
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

/** A target of a model route: a `provider/model` reference or an object with overrides. */
export type TargetConfig = NonNullable<ModelRouteConfig['target']>;

/** Upstream timeouts, each optional. */
export type UpstreamTimeouts = z.output<typeof timeoutsSchema>;

/** The gateway-wide routing defaults. */
export type RoutingDefaults = GatewayConfig['routing'];
