import { z } from 'zod';
import { keyTagsSchema } from '../context/request-tags.js';

/** `provider/model`: the provider instance name, a slash, and the upstream model id (may hold slashes). */
const targetReference = z
  .string()
  .regex(/^[^/\s]+\/\S+$/, 'must read "provider/model" (for example "openai/gpt-4o-mini")');

const milliseconds = z.number().int().positive();

/** Upstream timeouts; any left out fall back to the group's, then the provider's. */
const timeoutsSchema = z.strictObject({
  connectMs: milliseconds.optional().describe('Connecting to the upstream (ms).'),
  firstByteMs: milliseconds.optional().describe('Until the upstream\'s response headers (ms).'),
  idleMs: milliseconds.optional().describe('Longest gap between two pieces of a response body: the stream idle timeout (ms).'),
  totalMs: milliseconds.optional().describe('The whole upstream call (ms).'),
});

/** Retries of one target before moving to the next. */
const retriesSchema = z.strictObject({
  maxRetries: z.number().int().min(0).max(10).optional().describe('Retries of the same target after a retryable failure (0: none).'),
  baseDelayMs: milliseconds.optional().describe('Base of the exponential backoff; each wait is random in [0, min(maxDelayMs, base × 2^retry)].'),
  maxDelayMs: milliseconds.optional().describe('Cap of the backoff.'),
  maxRetryAfterMs: z.number().int().min(0).optional().describe('Longest `retry-after` honoured; a longer one moves on to the next target instead.'),
});

/** The circuit breaker of each target of a group with more than one target. */
const cooldownSchema = z.union([
  z.literal(false),
  z.strictObject({
    failures: z.number().int().positive().optional().describe('Consecutive retryable failures that open the circuit.'),
    cooldownMs: milliseconds.optional().describe('How long an open target is skipped before one probe request is let through.'),
  }),
]);

/** A target with per-target overrides. */
const targetObjectSchema = z.strictObject({
  target: targetReference.describe('Deployment as `provider/model`.'),
  weight: z.number().positive().default(1).describe('Share of traffic under the `weighted` strategy.'),
  timeouts: timeoutsSchema.optional(),
  maxRetries: z.number().int().min(0).max(10).optional().describe('Retries of this target (over the group\'s).'),
  params: z.record(z.string(), z.unknown()).optional().describe("Extra upstream parameters merged into the request for this target (`{ temperature: 0 }`); for a target of the client's own API, set in the client's body under that API's names when it has them all."),
  price: z.strictObject({ input: z.number().min(0).describe('Input (prompt) tokens.'), output: z.number().min(0).describe('Output (completion) tokens.') }).optional().describe('USD per million tokens, for the `lowest-cost` strategy (overrides the price table).'),
  rpm: z.number().int().positive().optional().describe("The target's quota of requests a minute (an Azure deployment's RPM, a free tier's), on this instance or, with `@tollgate/limits-redis`, every instance's: past it the target is skipped for the route's next one."),
  tpm: z.number().int().positive().optional().describe("The target's quota of tokens a minute (an Azure deployment's TPM), counted as `rpm` is: a prompt's estimate as a request is sent, the rest as it ends; past it the target is skipped."),
  tags: keyTagsSchema.optional().describe('Tag-based routing: the request tags (a key\'s `tags`, `x-tollgate-tags`) this target serves; a request with one of them goes only to the targets tagged with it; `default` serves requests with none of the route\'s tags, as untagged targets do.'),
  contextLength: z.number().int().positive().optional().describe("This deployment's context window in tokens (a self-hosted server's `max_model_len`), over the price table's: in a group, a request whose prompt and output limit cannot fit goes to the targets it fits."),
});

const targetSchema = z.union([targetReference, targetObjectSchema]);

const modelRouteSchema = z
  .strictObject({
    target: targetSchema.optional().describe('One target.'),
    targets: z.array(targetSchema).min(1).optional().describe('A group of targets; `strategy` picks the order they are tried in.'),
    strategy: z.enum(['fallback', 'weighted', 'least-latency', 'least-busy', 'lowest-cost', 'usage-based']).default('fallback').describe('The order targets are tried in (docs/routing.md).'),
    retries: retriesSchema.optional().describe('The group\'s retries (over `routing.retries`).'),
    timeouts: timeoutsSchema.optional().describe('The group\'s upstream timeouts.'),
    cooldown: cooldownSchema.optional().describe('The group\'s circuit breaker; false turns it off.'),
    fallbacks: z
      .strictObject({
        contextWindow: z.string().min(1).optional().describe('On `context_length_exceeded`: a model with a larger context window.'),
        contentPolicy: z.string().min(1).optional().describe('On a content-policy refusal (`content_policy_violation`, `content_filter`).'),
      })
      .optional()
      .describe('Other model names to try when a target refuses for a reason a bigger or other model can fix.'),
    description: z.string().optional().describe('Free text.'),
    contextLength: z.number().int().positive().optional().describe("The model's context window in tokens, listed by `GET /v1/models` as `context_length` (over the price table's): a self-hosted model's `max_model_len`."),
  })
  .refine((route) => (route.target === undefined) !== (route.targets === undefined), {
    message: 'give exactly one of "target" or "targets"',
  });

const configuredKeySchema = z.strictObject({
  key: z.string().min(16, 'must be at least 16 characters').describe('The secret; use `${ENV_VAR}` rather than writing it in the file.'),
  name: z.string().min(1).describe('The key\'s name, in logs and metrics (never the key).'),
  models: z.array(z.string().min(1)).optional().describe('Model names (or `prefix/*` patterns) the key may call; all when left out.'),
  routingControl: z.boolean().default(false).describe('May the key narrow routing per request (`x-tollgate-fallbacks`, `x-tollgate-timeout-ms`)?'),
  team: z.string().min(1).optional().describe('The team the key belongs to (ledger rows, team budgets).'),
  user: z.string().min(1).optional().describe('The user the key belongs to.'),
  org: z.string().min(1).optional().describe('The org the key belongs to.'),
  tags: keyTagsSchema.optional().describe('Tags every request of the key carries, ahead of the client\'s `x-tollgate-tags` (spend by tag).'),
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

/** Browser access from other origins (CORS): which origins, and how long a browser may keep a preflight's answer. */
const corsSchema = z.strictObject({
  origins: z
    .array(z.union([z.literal('*'), z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be an origin such as "https://app.example.com" (scheme and host, no path), or "*"')]))
    .min(1)
    .describe('Origins whose pages may call the gateway (`https://app.example.com`), or `"*"` for any.'),
  maxAgeSeconds: z.number().int().min(0).max(86_400).default(600).describe('How long a browser may cache a preflight\'s answer.'),
});

/** The schema of a whole Tollgate configuration file (after `${ENV}` interpolation). */
export const gatewayConfigSchema = z.strictObject({
  plugins: z.array(pluginReferenceSchema).default([]).describe('Plugin packages or local files, with options; order is execution order within a phase.'),
  server: z
    .strictObject({
      port: z.coerce.number().int().min(0).max(65535).default(4000).describe('Port of `tollgate start` (`--port` wins).'),
      host: z.string().min(1).default('127.0.0.1').describe('Host of `tollgate start` (`--host` wins).'),
      bodyLimit: byteSize.default(10 * 1024 * 1024).describe('Largest request body accepted ("10mb", "512kb" or bytes), decompressed when it comes gzip, deflate or br encoded; larger bodies get 413.'),
      cors: corsSchema.optional().describe('Lets web pages on other origins call the gateway from a browser (CORS). Off when absent.'),
    })
    .prefault({})
    .describe('The standalone server.'),
  auth: z
    .strictObject({
      masterKey: z.string().min(16, 'must be at least 16 characters').optional().describe('The master key: every model and the admin API. Defaults to `$TOLLGATE_MASTER_KEY`.'),
      keys: z.array(configuredKeySchema).default([]).describe('Keys declared in the config (virtual keys come from the governance plugins).'),
    })
    .prefault({})
    .describe('Who may call the gateway. With no master key and no keys, a development key is generated per run.'),
  providers: z.record(z.string().regex(/^[^/\s]+$/, 'must not contain "/" or spaces'), z.looseObject({ type: z.string().min(1).describe('A provider type a loaded plugin registers (openai, anthropic, …); the other options are that plugin\'s.') })).default({}).describe('Provider instances by name; each entry\'s other options are validated by its `type`\'s plugin.'),
  models: z.record(z.string().min(1), modelRouteSchema).default({}).describe('Model names clients use, mapped to targets. A name may end in `*` to route a whole family.'),
  routing: z
    .strictObject({
      retries: z
        .strictObject({
          maxRetries: z.number().int().min(0).max(10).default(1).describe('Retries of the same target after a retryable failure.'),
          baseDelayMs: milliseconds.default(200).describe('Base of the full-jitter exponential backoff.'),
          maxDelayMs: milliseconds.default(5_000).describe('Cap of the backoff.'),
          maxRetryAfterMs: z.number().int().min(0).default(10_000).describe('Longest retry-after honoured; longer moves on to the next target.'),
        })
        .prefault({})
        .describe('Retries of each target.'),
      cooldown: z
        .union([
          z.literal(false),
          z.strictObject({
            failures: z.number().int().positive().default(3).describe('Consecutive retryable failures that open a target\'s circuit.'),
            cooldownMs: milliseconds.default(30_000).describe('How long an open target is skipped before one probe.'),
          }),
        ])
        .prefault({})
        .describe('The circuit breaker of targets in groups; false turns it off.'),
      timeouts: timeoutsSchema.default({}).describe('Upstream timeouts over every provider\'s own.'),
    })
    .prefault({})
    .describe('Defaults for every model group; a group\'s own settings win.'),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('The lowest level written.'),
      requests: z.boolean().default(true).describe('One log line per request.'),
      modules: z
        .record(z.string().min(1), z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
        .default({})
        .describe('Levels per module, over `level`: a plugin by package name (`@tollgate/governance`) or a provider instance by name (`openai`).'),
      bodies: z.boolean().default(false).describe('Add the request messages and the answer text to each request line (secrets redacted, 8 KB at most each). Off by default: prompts are data.'),
    })
    .prefault({})
    .describe('Log lines (pino, JSON).'),
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
