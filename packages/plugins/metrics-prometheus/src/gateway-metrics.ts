import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GatewayContext, TargetCircuits, TargetQuotaUsage } from '@tollgate/core';
import type { PrometheusOptions } from './prometheus-options.js';

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** The governance refusals counted, by error code. */
const rejectionReasons: Readonly<Record<string, string>> = { TOLLGATE_BUDGET_EXCEEDED: 'budget', TOLLGATE_RATE_LIMIT_EXCEEDED: 'rate_limit' };

/** What the response cache may tell a client (`x-tollgate-cache`); anything else is not counted. */
const cacheResults = new Set(['hit', 'miss', 'bypass']);

/**
 * Cooling targets listed at most: a wildcard route names its targets after the models clients ask for,
 * so during a provider-wide outage their number is not the config's. The rest are summed under `other`.
 */
const maxCoolingSeries = 100;

/** Finish reasons in OpenAI's words, the values `finish_reasons_total` labels (any other is `other`). */
const knownFinishReasons = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

/**
 * The gateway's Prometheus metrics, in their own registry. Recorded from each request's finished
 * context (after the answer was sent). Label values come from the config, never from what a client
 * sends, so the series stay bounded: the model label is the configured route (`or/*` for a whole
 * wildcard family, `unrouted` for unknown models), with provider names, statuses, error codes, team
 * ids and key names — never a key.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #labelKeys: boolean;
  readonly #requests: Counter<'operation' | 'model' | 'provider' | 'status'>;
  readonly #duration: Histogram<'operation' | 'model' | 'provider' | 'status'>;
  readonly #firstToken: Histogram<'model' | 'provider'>;
  readonly #attempts: Histogram<'provider' | 'outcome'>;
  readonly #tokens: Counter<'model' | 'team' | 'key' | 'type'>;
  readonly #cost: Counter<'model' | 'team' | 'key'>;
  readonly #webSearches: Counter<'model' | 'team' | 'key'>;
  readonly #finishReasons: Counter<'model' | 'reason'>;
  readonly #errors: Counter<'code'>;
  readonly #rejections: Counter<'reason' | 'scope' | 'model' | 'team' | 'key'>;
  readonly #cache: Counter<'model' | 'result'>;
  readonly #inFlight: Gauge;

  /** `circuits` and `quotas` read the engine's circuit breakers and target quotas at each scrape (undefined until the gateway is assembled). */
  constructor(options: PrometheusOptions, circuits: () => TargetCircuits | undefined = () => undefined, quotas: () => TargetQuotaUsage | undefined = () => undefined) {
    const prefix = options.prefix;
    const registers = [this.registry];
    this.#labelKeys = options.labelKeys;
    this.#requests = new Counter({ name: `${prefix}requests_total`, help: 'Finished requests.', labelNames: ['operation', 'model', 'provider', 'status'], registers });
    this.#duration = new Histogram({ name: `${prefix}request_duration_seconds`, help: 'Time from arrival to the end of the answer.', labelNames: ['operation', 'model', 'provider', 'status'], buckets: latencyBuckets, registers });
    this.#firstToken = new Histogram({ name: `${prefix}time_to_first_token_seconds`, help: 'Time from arrival to the first streamed chunk.', labelNames: ['model', 'provider'], buckets: latencyBuckets, registers });
    this.#attempts = new Histogram({ name: `${prefix}upstream_attempt_duration_seconds`, help: 'Each upstream attempt, until its answer or first chunk.', labelNames: ['provider', 'outcome'], buckets: latencyBuckets, registers });
    this.#tokens = new Counter({ name: `${prefix}tokens_total`, help: 'Tokens by type: prompt, completion, cached (cache reads), cache_write, reasoning.', labelNames: ['model', 'team', 'key', 'type'], registers });
    this.#webSearches = new Counter({ name: `${prefix}web_searches_total`, help: 'Web searches upstreams ran as a server tool and bill (Claude\'s web search, OpenAI\'s built-in one).', labelNames: ['model', 'team', 'key'], registers });
    this.#finishReasons = new Counter({ name: `${prefix}finish_reasons_total`, help: 'Answers by why the model stopped: stop, length (cut at its output limit), tool_calls, content_filter, function_call, other.', labelNames: ['model', 'reason'], registers });
    this.#cost = new Counter({ name: `${prefix}cost_usd_total`, help: 'Cost of requests whose price is known, in USD.', labelNames: ['model', 'team', 'key'], registers });
    this.#errors = new Counter({ name: `${prefix}errors_total`, help: 'Requests that ended in an error, by Tollgate error code.', labelNames: ['code'], registers });
    this.#rejections = new Counter({ name: `${prefix}rejections_total`, help: 'Requests refused by a budget or a rate limit, by the level that refused them (key, user, team, org, model).', labelNames: ['reason', 'scope', 'model', 'team', 'key'], registers });
    this.#cache = new Counter({ name: `${prefix}cache_requests_total`, help: 'Requests the response cache answered (hit), passed upstream to store (miss) or left alone (bypass).', labelNames: ['model', 'result'], registers });
    this.#inFlight = new Gauge({ name: `${prefix}requests_in_flight`, help: 'Requests past auth and not yet finished.', registers });
    new Gauge({
      name: `${prefix}target_cooling_down`,
      help: 'Targets whose circuit breaker is open (skipped) or half-open (one probe allowed), per gateway instance: 1 while cooling down, absent when healthy.',
      labelNames: ['provider', 'target', 'state'],
      registers,
      collect() {
        this.reset();
        const cooling = circuits()?.coolingTargets() ?? [];
        cooling.forEach((circuit, index) => {
          const listed = index < maxCoolingSeries;
          this.inc({ provider: circuit.provider, target: listed ? circuit.target : 'other', state: listed ? circuit.state : 'any' });
        });
      },
    });
    new Gauge({
      name: `${prefix}target_quota_used_ratio`,
      help: "What the last minute used of each target's quota (`rpm`: requests, `tpm`: tokens), as this instance sees it (every instance's when shared through Redis): at 1 the target is skipped for the next one.",
      labelNames: ['provider', 'target', 'kind'],
      registers,
      collect() {
        this.reset();
        for (const use of quotas()?.quotaUsage() ?? []) {
          if (use.rpm !== undefined) this.set({ provider: use.provider, target: use.target, kind: 'requests' }, use.requests / use.rpm);
          if (use.tpm !== undefined) this.set({ provider: use.provider, target: use.target, kind: 'tokens' }, use.tokens / use.tpm);
        }
      },
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix });
  }

  /** A request passed auth and routing. */
  started(): void {
    this.#inFlight.inc();
  }

  /** Records a finished request; `counted` when `started` was called for it. */
  finished(context: GatewayContext, counted: boolean): void {
    if (counted) this.#inFlight.dec();
    const timings = context.timings;
    const provider = context.target?.provider.name ?? 'none';
    const model = context.routePolicy?.group ?? 'unrouted';
    const status = String(context.status ?? 500);
    const labels = { operation: context.operation, model, provider, status };
    this.#requests.inc(labels);
    if (timings.endedAt !== undefined) this.#duration.observe(labels, (timings.endedAt - timings.receivedAt) / 1000);
    if (context.stream && timings.firstByteAt !== undefined) this.#firstToken.observe({ model, provider }, (timings.firstByteAt - timings.receivedAt) / 1000);
    for (const attempt of context.attempts) {
      if (attempt.durationMs === undefined) continue;
      const provider = attempt.target.slice(0, attempt.target.indexOf('/'));
      this.#attempts.observe({ provider, outcome: attempt.status === 200 ? 'ok' : (attempt.errorCode ?? 'error') }, attempt.durationMs / 1000);
    }
    const usage = context.usage;
    const owner = { model, team: context.principal?.teamId ?? 'none', key: this.#labelKeys ? (context.principal?.keyName ?? 'none') : 'all' };
    const error = context.error;
    if (error !== undefined) {
      this.#errors.inc({ code: error.code });
      const reason = rejectionReasons[error.code];
      if (reason !== undefined) this.#rejections.inc({ reason, scope: error.refusedBy?.scope ?? 'unknown', ...owner });
    }
    const cacheResult = context.responseHeaders?.['x-tollgate-cache'];
    if (cacheResult !== undefined && cacheResults.has(cacheResult)) this.#cache.inc({ model, result: cacheResult });
    if (usage !== undefined) {
      this.#tokens.inc({ ...owner, type: 'prompt' }, usage.prompt_tokens);
      this.#tokens.inc({ ...owner, type: 'completion' }, usage.completion_tokens);
      const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
      if (cached > 0) this.#tokens.inc({ ...owner, type: 'cached' }, cached);
      const cacheWrites = usage.prompt_tokens_details?.cache_write_tokens ?? 0;
      if (cacheWrites > 0) this.#tokens.inc({ ...owner, type: 'cache_write' }, cacheWrites);
      const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? 0;
      if (reasoning > 0) this.#tokens.inc({ ...owner, type: 'reasoning' }, reasoning);
      const webSearches = usage.server_tool_use?.web_search_requests ?? 0;
      if (webSearches > 0) this.#webSearches.inc(owner, webSearches);
    }
    if (context.costMicros !== undefined) this.#cost.inc(owner, context.costMicros / 1_000_000);
    // An upstream's own reasons (vLLM's `abort`) count as `other`: label values stay a known few.
    for (const reason of context.finishReasons ?? []) this.#finishReasons.inc({ model, reason: knownFinishReasons.has(reason) ? reason : 'other' });
  }
}
