import { budgetPeriodSchema, z } from '@tollgate/core';

/** Options of the governance plugin. */
/** What a team, user or org in the config may do: the models every key under it may call, and rate limits its keys share. */

const levelLimitsSchema = z.strictObject({
  models: z.array(z.string().min(1)).optional(),
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  parallel: z.number().int().positive().optional(),
  /** The level's hard budget: as a `budgets` entry of its scope and id. */
  budget: z.strictObject({ limitUsd: z.number().min(0), period: budgetPeriodSchema.default('monthly') }).optional(),
});

export const governanceOptionsSchema = z
  .strictObject({
    /**
     * How long a looked-up key (or a miss), and whether a budget applies to it, is trusted before the
     * store is asked again. A revocation or suspension, or a key's first budget, takes effect on every
     * instance within this time.
     */
    keyCacheMs: z.number().int().min(0).max(1_000).default(500),
    /** How long a budget hold lives when its request never settles (a crashed instance). Keep it above your longest request. */
    reservationTtlMs: z.number().int().positive().default(600_000),
    /**
     * Budget leases: each instance holds this many times a request's worst case on a budget at once
     * and admits its requests against that hold in memory, instead of a store transaction per request.
     * Budgets stay hard; spend reaches the budget within about a second; near the limit requests hold
     * on their own. `0`: every request holds on its own.
     */
    budgetLeaseRequests: z.number().int().min(0).max(1_000).default(32),
    /**
     * When the worst-case cost does not fit a budget but some room remains: `reject` with 429
     * `budget_exceeded`, or `clamp` the request's `max_tokens` to what the remaining budget buys.
     */
    onInsufficientBudget: z.enum(['reject', 'clamp']).default('reject'),
    /** The fewest output tokens a clamped request may still ask for; below that it is rejected. */
    minClampedTokens: z.number().int().positive().default(16),
    /**
     * Output tokens assumed (and set as `max_tokens`, so the cap is hard) when a budgeted request
     * gives no limit of its own.
     */
    defaultMaxTokens: z.number().int().positive().default(4_096),
    /**
     * Web searches a budgeted request may run when its web search server tool sets no limit, set in
     * the request so the cap is hard: as the search tool's `max_uses` on the Messages API, as
     * `max_tool_calls` on the Responses API. Each search is priced as its model's table says ($10 per
     * thousand for Claude and OpenAI's models) and charged as the upstream reports it.
     */
    unboundedWebSearches: z.number().int().min(0).max(1_000).default(10),
    /**
     * The most input tokens a conversation the upstream stores (the Responses API's
     * `previous_response_id` or `conversation`), or files it fetches (a document by URL, a file by id),
     * may add to a request: the models' context window. With it, such a budgeted request holds them at
     * the input price on top of its own counted prompt, and is charged what the upstream reports;
     * without it, it is refused with 400 `budget_uncountable`.
     */
    storedInputTokens: z.number().int().positive().optional(),
    /**
     * What a budget holds for each page of an inline PDF: models read a page as its text and as a
     * picture (Anthropic: 1,500–3,000 tokens of text a page, up to ~1,600 for the picture).
     */
    pdfPageTokens: z.number().int().positive().default(4_600),
    /**
     * Pixels a budget counts as one token of an image sent as data (at least 1,500 tokens an image):
     * the newest models read a large photo as ~10,000 tokens or more. An image by URL, whose size the
     * gateway does not fetch, is held at 1,500.
     */
    imagePixelsPerToken: z.number().positive().default(720),
    /** Multiplies the prompt's token count (o200k tokenizer) to cover other providers' tokenizers. */
    promptTokenMargin: z.number().min(1).max(3).default(1.15),
    /**
     * Budgets declared in the config, created or updated at startup (spend so far is kept); others
     * are managed through the admin API.
     */
    budgets: z
      .array(
        z.strictObject({
          scope: z.enum(['key', 'user', 'team', 'org', 'end_user', 'tag', 'model']),
          /** The key id (`key_…`, or `config:<name>` for a config key), user, team or org id, the end user's name (a request's `user`), the tag, or the model (the name clients call it). */
          id: z.string().min(1),
          limitUsd: z.number().min(0),
          period: budgetPeriodSchema.default('monthly'),
        }),
      )
      .default([]),
    /**
     * Rate limits: `rpm` (requests per minute, bursts up to it), `tpm` (tokens per minute, counted
     * when a request ends), `parallel` (requests in flight), on every key, user, team, org, model or
     * end user (the `user` a request names) (no `id`) or on one of them (`id`, replacing the general
     * rule for it). Counted in memory unless
     * a shared store (`@tollgate/limits-redis`) is listed before this plugin.
     */
    rateLimits: z
      .array(
        z
          .strictObject({
            scope: z.enum(['key', 'user', 'team', 'org', 'model', 'end_user']),
            id: z.string().min(1).optional(),
            rpm: z.number().int().positive().optional(),
            tpm: z.number().int().positive().optional(),
            parallel: z.number().int().positive().optional(),
          })
          .refine((rule) => rule.rpm !== undefined || rule.tpm !== undefined || rule.parallel !== undefined, { message: 'give at least one of rpm, tpm, parallel' }),
      )
      .default([]),
    /**
     * Teams (and `users`, `orgs`) by id with the models every key under one may call and the rate
     * limits its keys share, written to the store's directory at startup (as the admin API's
     * `POST /admin/teams` does), so config keys and virtual keys alike answer to them; a `budget`
     * there is the level's, as a `budgets` entry for it.
     */
    teams: z.record(z.string().min(1), levelLimitsSchema).default({}),
    users: z.record(z.string().min(1), levelLimitsSchema).default({}),
    orgs: z.record(z.string().min(1), levelLimitsSchema).default({}),
    /**
     * Budget alerts: a JSON POST to `webhookUrl` when a budget's spend crosses one of `thresholds`
     * (fractions of the limit). Each crossing is detected once, by the settlement that crosses it.
     */
    alerts: z
      .strictObject({
        webhookUrl: z.url({ protocol: /^https?$/ }),
        thresholds: z.array(z.number().positive().max(1)).min(1).default([0.8, 1]),
        /** Extra headers of the POST (an `authorization` the receiver checks). */
        headers: z.record(z.string(), z.string()).default({}),
        timeoutMs: z.number().int().positive().default(5_000),
      })
      .optional(),
    /**
     * Count requests answered from the response cache against the rate limits (they are admitted in
     * `transform.request`, so list this plugin before the cache plugin). `false`: only requests that
     * reach the upstream count.
     */
    countCacheHits: z.boolean().default(true),
    /** A budgeted request to a model without a known price: `reject` (403 `price_unknown`) or `allow` unbudgeted. */
    unknownPrice: z.enum(['reject', 'allow']).default('reject'),
  })
  .superRefine((options, context) => {
    for (const [scope, entries] of [['org', options.orgs], ['team', options.teams], ['user', options.users]] as const) {
      for (const [id, entry] of Object.entries(entries)) {
        if (entry.budget !== undefined && options.budgets.some((budget) => budget.scope === scope && budget.id === id)) {
          context.addIssue({ code: 'custom', path: [`${scope}s`, id, 'budget'], message: `the ${scope} "${id}" has a budget under \`budgets\` too: keep one` });
        }
      }
    }
  })
  .prefault({});

/** Options of the governance plugin, with defaults applied. */
export type GovernanceOptions = z.output<typeof governanceOptionsSchema>;

/** The budgets the config declares: the `budgets` entries, then each org's, team's and user's own `budget`. */
export function configuredBudgets(options: GovernanceOptions): GovernanceOptions['budgets'] {
  const levelBudgets = ([['org', options.orgs], ['team', options.teams], ['user', options.users]] as const).flatMap(([scope, entries]) =>
    Object.entries(entries).flatMap(([id, { budget }]) => (budget === undefined ? [] : [{ scope, id, ...budget }])),
  );
  return [...options.budgets, ...levelBudgets];
}
