import {
  GatewayError,
  budgetSubjects,
  imageOutputTokensAtMost,
  inputImageTokensAtMost,
  rerankSearches,
  speechCharacters,
  type Budget,
  type BudgetStore,
  type BudgetSubject,
  type ChatCompletionRequest,
  type Clock,
  type GatewayContext,
  type HookMap,
  type ImageGenerationRequest,
  type Logger,
  type Pricing,
  type Principal,
  type RerankRequest,
} from '@tollgate/core';
import { createBudgetAlerts } from './budget-alerts.js';
import { BudgetLeases } from './budget-leases.js';
import { estimatePromptTokens, inlineTokenCounter } from './estimate-prompt-tokens.js';
import { fetchedInputOf } from './fetched-input.js';
import { imageTokenFloor } from './image-tokens-at-most.js';
import { UncountablePdfError } from './inline-input-tokens.js';
import { createHoldIds } from './hold-ids.js';
import type { GovernanceOptions } from './governance-options.js';
import { isRequestLevel, requestBudgetSubjects } from './request-budget-subjects.js';
import { settleWithRetries } from './settle-with-retries.js';
import { transcriptionWorstCaseMicros } from './transcription-worst-case.js';
import { tierAt, worstCasePrices, type WorstCasePrices } from './worst-case-prices.js';
import { outputLimitPastThinking, thinkingWithinClamp } from './thinking-budget-fits.js';

/** A request's hold on its budgets, kept on the context from `budget.reserve` to `budget.settle`. */
export interface BudgetReservation {
  /** The hold's id in the store or lease: its own, not the request id, which two requests may share. */
  readonly id: string;
  readonly subjects: readonly BudgetSubject[];
  readonly amountMicros: number;
}

declare module '@tollgate/core' {
  interface ContextVariableMap {
    budgetReservation: BudgetReservation;
  }
}


function dollars(micros: number): string {
  return `$${(micros / 1_000_000).toFixed(micros < 10_000 ? 6 : 4)}`;
}

function budgetExceeded(budget: Budget, availableMicros: number, worstCaseMicros: number): GatewayError {
  const resets = budget.resetsAt === undefined ? 'It does not reset; ask the operator to raise it.' : `It resets at ${new Date(budget.resetsAt).toISOString()}.`;
  return new GatewayError(
    'TOLLGATE_BUDGET_EXCEEDED',
    `The ${budget.scope === 'end_user' ? 'end user' : budget.scope} budget of "${budget.id}" (${dollars(budget.limitMicros)}${budget.period === 'none' ? '' : ` ${budget.period}`}) has ${dollars(availableMicros)} left; this request may cost up to ${dollars(worstCaseMicros)}. ${resets}`,
    { refusedBy: { scope: budget.scope, id: budget.id } },
  );
}

/** The output-token limit the client set, and under which field. */
function outputLimit(request: ChatCompletionRequest): { field: 'max_tokens' | 'max_completion_tokens'; tokens: number | undefined } {
  if (typeof request.max_completion_tokens === 'number') return { field: 'max_completion_tokens', tokens: request.max_completion_tokens };
  return { field: 'max_tokens', tokens: typeof request.max_tokens === 'number' ? request.max_tokens : undefined };
}

/** Whether a chat request asks for images in its answer (`modalities: ["image", "text"]`, OpenRouter's and Gemini's image models). */
function asksForImages(request: ChatCompletionRequest): boolean {
  return Array.isArray(request.modalities) && request.modalities.includes('image');
}

/**
 * The most audio tokens a model billed by tokens (GPT-4o mini TTS) may make of one character: OpenAI
 * puts its audio at about $0.015 a minute at $12 per million tokens (~21 tokens a second); speech
 * reads ~15 characters a second, and `speed` may slow it to a quarter — ~6 tokens a character, held
 * at 8.
 */
const speechTokensPerCharacterAtMost = 8;

/** End users and tags whose budget state is remembered at most; past it the memory starts over (any client can name any end user or tag). */
const maxRememberedNamedLevels = 10_000;

/**
 * The most searches a ranking may be billed as: one per 100 document chunks, where a document and the
 * query longer than 512 tokens (Bedrock's chunk, the smallest) is split; `tokens`, the query read with
 * every document.
 */
function mostRerankSearches(documents: number, tokens: number): number {
  return rerankSearches(documents + Math.ceil(tokens / 512));
}

/** How many answers (a chat's) or images a request asks for (`n`, default 1): each may cost the whole output limit, each image is billed. */
function choiceCount(request: { readonly n?: unknown }): number {
  return typeof request.n === 'number' && request.n > 1 ? Math.floor(request.n) : 1;
}

/** The most input tokens an image edit's uploads may cost (0 for a generation); undefined when the size of one could not be read. */
function editUploadTokensAtMost(request: ImageGenerationRequest): number | undefined {
  let tokens = 0;
  for (const file of request.files ?? []) {
    const most = inputImageTokensAtMost(file);
    if (most === undefined) return undefined;
    tokens += most;
  }
  return tokens;
}

/** A budgeted request whose prompt the upstream completes from what it stores: its cost cannot be bounded. */
function uncountable(context: GatewayContext): GatewayError {
  return new GatewayError(
    'TOLLGATE_BUDGET_UNCOUNTABLE',
    `A budget applies to key "${context.principal!.keyName}", and \`${context.storedInput}\` makes the upstream add input it stores, whose tokens cannot be counted before the call, so its cost cannot be bounded. Send the whole conversation in \`input\` (with \`store: false\`), or ask the operator to bound it (the governance plugin's storedInputTokens).`,
    { param: context.storedInput },
  );
}

/** A budgeted request holding a file the upstream fetches (`fetched` says what): its cost cannot be bounded. */
function uncountableFetched(context: GatewayContext, fetched: string): GatewayError {
  return new GatewayError(
    'TOLLGATE_BUDGET_UNCOUNTABLE',
    `A budget applies to key "${context.principal!.keyName}", and the request holds ${fetched}, which the upstream fetches: its tokens cannot be counted before the call, so its cost cannot be bounded. Send the file inline (as base64 data), or ask the operator to bound it (the governance plugin's storedInputTokens).`,
  );
}

/** A budgeted request holding a PDF whose pages cannot be read: its cost cannot be bounded. */
function uncountablePdf(context: GatewayContext): GatewayError {
  return new GatewayError(
    'TOLLGATE_BUDGET_UNCOUNTABLE',
    `A budget applies to key "${context.principal!.keyName}", and the request holds a PDF whose pages this gateway cannot count (encrypted, damaged, or compressed in a way it does not read), so what reading it costs cannot be bounded. Send it unencrypted, or as text.`,
  );
}

/** A store failure as the client sees it: budgets are hard, so no store means no budgeted request. */
function storeUnavailable(error: unknown): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  return new GatewayError('TOLLGATE_GOVERNANCE_STORE_UNAVAILABLE', 'Budgets cannot be checked right now (their store is unreachable); retry shortly.', { retryAfterMs: 1_000, cause: error });
}

/**
 * The `budget.reserve` and `budget.settle` hooks. Reserve bounds the request's worst-case cost
 * (prompt tokens by tokenizer × the dearest target's input price + the output limit × its output
 * price + a fee per request + the web searches its server tool may run × their price) and holds it
 * on every budgeted level at once; settle charges the actual cost and releases the hold. A budgeted
 * request without an output limit gets `defaultMaxTokens` as one, so the bound holds; in `clamp` mode
 * a request that does not fit gets the limit the remaining budget buys (both set in the client's
 * bytes, which still go upstream). Holds are drawn on the instance's budget leases
 * ({@link BudgetLeases}) unless `budgetLeaseRequests` is 0.
 * A store that cannot be reached refuses budgeted requests (503); a failed settlement is retried in
 * the background, and the settlement that crosses an alert threshold sends the alert.
 */
export function createBudgetHooks(
  store: BudgetStore,
  resolvePricing: () => Pricing | undefined,
  clock: Clock,
  options: GovernanceOptions,
  logger: Logger,
): Pick<HookMap, 'budget.reserve' | 'budget.settle'> & { close(): Promise<void> } {
  const alert = options.alerts === undefined ? undefined : createBudgetAlerts(options.alerts, logger);
  // Requests hold on the instance's lease when leases are on (see BudgetLeases), else each in the store.
  const leases =
    options.budgetLeaseRequests === 0
      ? undefined
      : new BudgetLeases(store, clock, { requests: options.budgetLeaseRequests, reservationTtlMs: options.reservationTtlMs }, (settled, costMicros) => alert?.(settled, costMicros), logger);
  const holds: Pick<BudgetStore, 'reserve'> = leases ?? store;
  /** The price source, looked up at the first budgeted request, once the gateway is assembled (whatever the plugins' order). */
  let pricing: Pricing | undefined;
  let pricingLookedUp = false;
  const nextHoldId = createHoldIds();
  const inlineCosts = { pdfPageTokens: options.pdfPageTokens, imagePixelsPerToken: options.imagePixelsPerToken };
  const countInline = inlineTokenCounter(inlineCosts);
  /**
   * The request's prompt tokens, its inline images and files counted as {@link inlineTokenCounter}
   * says, each image at least what its dearest target may bill for one (GPT-4o mini's 48,169).
   */
  const countPrompt = (context: GatewayContext): number => {
    const imageTokensAtLeast = imageTokenFloor(context.targets, context.fallbackTargets);
    const count = imageTokensAtLeast === 0 ? countInline : inlineTokenCounter({ ...inlineCosts, imageTokensAtLeast });
    try {
      return estimatePromptTokens(context.request, context.operation, count);
    } catch (error) {
      if (error instanceof UncountablePdfError) throw uncountablePdf(context);
      throw error;
    }
  };
  /** Each principal's budget subjects, built once (auth hands out one principal object per key). */
  const subjectsByPrincipal = new WeakMap<Principal, readonly BudgetSubject[]>();
  /** Whether a budget applies to a principal's subjects, as the store last said, trusted for `keyCacheMs`. */
  const budgetedByPrincipal = new WeakMap<Principal, { readonly budgeted: boolean; readonly until: number }>();
  /** Whether an end user, a tag or a model (`end_user:<name>`, `tag:<tag>`, `model:<name>`) has a budget, as the store last said, trusted for `keyCacheMs`. */
  const budgetedNamedLevels = new Map<string, { readonly budgeted: boolean; readonly until: number }>();
  /** Each model's budget subject when it has a budget (by the name clients call it), as the store last said, trusted for `keyCacheMs`. */
  const budgetedModels = new Map<string, { readonly subject: BudgetSubject | undefined; readonly until: number }>();

  /**
   * Holds the request's worst case when a budget applies to its key, user, team or org, or to a level
   * it names (its end user, its tags, its model); a request no budget applies to is left as it came (no
   * limit set, nothing held). Whether one applies is asked of the store once per `keyCacheMs` for each
   * key and each model, so a budget set on a key that had none binds within it.
   */
  function reserve(context: GatewayContext): void | Promise<void> {
    const principal = context.principal!;
    let subjects = subjectsByPrincipal.get(principal);
    if (subjects === undefined) subjectsByPrincipal.set(principal, (subjects = budgetSubjects(principal)));
    if (subjects.length === 0) return;
    const model = context.request.model;
    const knownModel = budgetedModels.get(model);
    if (knownModel === undefined || knownModel.until <= clock.now()) {
      return lookUpModelBudget(model).then((budgetedModel) => reserveFor(context, principal, subjects, budgetedModel));
    }
    return reserveFor(context, principal, subjects, knownModel.subject);
  }

  /** Asks the store whether a model has a budget, and remembers it (and as a named level) for `keyCacheMs`. */
  async function lookUpModelBudget(model: string): Promise<BudgetSubject | undefined> {
    const subject: BudgetSubject = { scope: 'model', id: model };
    const budgets = await store.getBudgets([subject], clock.now()).catch((error: unknown) => Promise.reject(storeUnavailable(error)));
    const until = clock.now() + options.keyCacheMs;
    if (budgetedModels.size >= maxRememberedNamedLevels) budgetedModels.clear();
    const budgeted = budgets.length > 0 ? subject : undefined;
    budgetedModels.set(model, { subject: budgeted, until });
    budgetedNamedLevels.set(`model:${model}`, { budgeted: budgeted !== undefined, until });
    return budgeted;
  }

  /** {@link reserve} once whether the request's model has a budget is known (`budgetedModel`, its subject when it has). */
  function reserveFor(context: GatewayContext, principal: Principal, subjects: readonly BudgetSubject[], budgetedModel: BudgetSubject | undefined): void | Promise<void> {
    const named = requestBudgetSubjects(context, budgetedModel);
    if (named.length > 0) return reserveWithNamedLevels(context, principal, subjects, named);
    const known = budgetedByPrincipal.get(principal);
    if (known === undefined || known.until <= clock.now()) return lookUpBudgets(context, principal, subjects);
    if (known.budgeted) return hold(context, subjects);
  }

  /**
   * As {@link reserve}, for a request that names levels of its own (an end user, tags): those with a
   * budget are held on too (all levels at once, in the store: such requests draw on no lease, as many
   * end users or tags each holding a lease would tie up their key's budget). Whether each has one is
   * asked of the store once per `keyCacheMs`, with the key's levels when they are due too.
   */
  function reserveWithNamedLevels(context: GatewayContext, principal: Principal, subjects: readonly BudgetSubject[], named: readonly BudgetSubject[]): void | Promise<void> {
    const now = clock.now();
    const knownKey = budgetedByPrincipal.get(principal);
    if (knownKey === undefined || knownKey.until <= now) return lookUpWithNamedLevels(context, principal, subjects, named);
    let budgeted: BudgetSubject[] | undefined;
    for (const subject of named) {
      const known = budgetedNamedLevels.get(`${subject.scope}:${subject.id}`);
      if (known === undefined || known.until <= now) return lookUpWithNamedLevels(context, principal, subjects, named);
      if (known.budgeted) (budgeted ??= []).push(subject);
    }
    if (budgeted !== undefined) return hold(context, [...subjects, ...budgeted], false);
    if (knownKey.budgeted) return hold(context, subjects);
  }

  /** Asks the store whether budgets apply to the key's levels and to those the request names, remembers each, and holds if one does. */
  async function lookUpWithNamedLevels(context: GatewayContext, principal: Principal, subjects: readonly BudgetSubject[], named: readonly BudgetSubject[]): Promise<void> {
    const budgets = await store.getBudgets([...subjects, ...named], clock.now()).catch((error: unknown) => Promise.reject(storeUnavailable(error)));
    const until = clock.now() + options.keyCacheMs;
    budgetedByPrincipal.set(principal, { budgeted: budgets.some((budget) => !isRequestLevel(budget.scope)), until });
    if (budgetedNamedLevels.size + named.length > maxRememberedNamedLevels) budgetedNamedLevels.clear();
    const budgeted = named.filter((subject) => budgets.some((budget) => budget.scope === subject.scope && budget.id === subject.id));
    for (const subject of named) budgetedNamedLevels.set(`${subject.scope}:${subject.id}`, { budgeted: budgeted.includes(subject), until });
    if (budgeted.length > 0) await hold(context, [...subjects, ...budgeted], false);
    else if (budgets.length > 0) await hold(context, subjects);
  }

  /** Asks the store whether a budget applies to the principal's subjects, remembers it, and holds if one does. */
  async function lookUpBudgets(context: GatewayContext, principal: Principal, subjects: readonly BudgetSubject[]): Promise<void> {
    const budgets = await store.getBudgets(subjects, clock.now()).catch((error: unknown) => Promise.reject(storeUnavailable(error)));
    budgetedByPrincipal.set(principal, { budgeted: budgets.length > 0, until: clock.now() + options.keyCacheMs });
    if (budgets.length > 0) await hold(context, subjects);
  }

  /**
   * Bounds the worst case of a request a budget applies to and holds it. Drawn on a lease with room, it
   * returns at once (no promise, no microtask turn); else it holds in the store.
   */
  function hold(context: GatewayContext, subjects: readonly BudgetSubject[], onLease = true): void | Promise<void> {
    if (context.storedInput !== undefined && options.storedInputTokens === undefined) throw uncountable(context);
    const fetched = fetchedInputOf(context.request, context.operation);
    if (fetched !== undefined && options.storedInputTokens === undefined) throw uncountableFetched(context, fetched);
    // What the upstream adds from a stored conversation or fetched files is bounded by `storedInputTokens` (its context window).
    const storedTokens = context.storedInput === undefined && fetched === undefined ? 0 : options.storedInputTokens!;
    const promptTokens = countPrompt(context) * options.promptTokenMargin + storedTokens;
    if (!pricingLookedUp) {
      pricing = resolvePricing();
      pricingLookedUp = true;
    }
    // A refusal may move the request to the group's fallback model: its targets may be dearer.
    const serviceTier = context.requestedServiceTier;
    const prices = worstCasePrices(context.targets, pricing, promptTokens, context.fallbackTargets, serviceTier);
    if (prices === undefined) return admitUnpriced(context, worstCasePrices(context.targets, pricing, promptTokens, context.fallbackTargets) !== undefined);
    const searches = prices.webSearch > 0 ? boundWebSearches(context) : 0;
    // What the request costs whatever its output: its prompt, its fee per call (per search, for a ranking), and the web searches the upstream may run.
    const calls =
      context.operation === 'rerank' ? mostRerankSearches((context.request as RerankRequest).documents.length, promptTokens) : context.operation === 'images' ? choiceCount(context.request) : 1;
    let outputTokens = 0;
    let fixedMicros = Math.ceil(promptTokens * prices.input) + Math.ceil(prices.request * calls * 1_000) + Math.ceil(searches * prices.webSearch * 1_000);
    if (context.operation === 'transcriptions') {
      const audioMicros = transcriptionWorstCaseMicros(context.request, context.targets, pricing);
      if (audioMicros === undefined) return admitUnboundedAudio(context);
      fixedMicros += audioMicros;
    }
    if (context.operation === 'speech') {
      // The characters read (tts-1), and the audio a token-billed model may make of them.
      const characters = speechCharacters(context.request);
      fixedMicros += Math.ceil(characters * prices.character);
      outputTokens = characters * speechTokensPerCharacterAtMost;
    }
    let choices = 1;
    if (context.operation === 'chat') {
      if (!prices.imageOutputPriced && asksForImages(context.request)) return admitUnpricedImageOutput(context);
      const limit = outputLimit(context.request);
      outputTokens = limit.tokens ?? outputLimitPastThinking(context.request, options.defaultMaxTokens);
      choices = choiceCount(context.request);
      // Added, not replaced: the client's bytes still go upstream, with `max_tokens` spliced in.
      if (limit.tokens === undefined) context.addRequestFields({ max_tokens: outputTokens });
    } else if (context.operation === 'images') {
      // Each image may cost the most its size and quality do (GPT Image models bill images as output tokens).
      const imageTokens = imageOutputTokensAtMost(context.request);
      if (imageTokens === undefined) return admitUnboundedImages(context);
      outputTokens = imageTokens;
      choices = choiceCount(context.request);
      // An edit's uploads are input tokens too, counted by their tiles.
      const uploadTokens = editUploadTokensAtMost(context.request);
      if (uploadTokens === undefined) return admitUnreadableUploads(context);
      fixedMicros += Math.ceil(uploadTokens * prices.imageInput);
    }
    // Each of the `n` answers may use the whole output limit.
    const amountMicros = fixedMicros + Math.ceil(outputTokens * choices * prices.output);
    const now = clock.now();
    const id = nextHoldId();
    if (onLease && leases?.draw({ id, subjects, amountMicros, expiresAt: now + options.reservationTtlMs, now }) === true) {
      context.set('budgetReservation', { id, subjects, amountMicros });
      return;
    }
    return reserveInStore(context, id, subjects, prices, fixedMicros, outputTokens, choices, onLease ? holds : store);
  }

  /**
   * The most web searches the request may run: as many as its search tools allow; when nothing bounds
   * them, `unboundedWebSearches` — set in the client's request (`max_tool_calls`, a search tool's
   * `max_uses`), so the upstream stops there.
   */
  function boundWebSearches(context: GatewayContext): number {
    if (!Number.isFinite(context.webSearchLimit)) context.boundWebSearches(options.unboundedWebSearches);
    return Number.isFinite(context.webSearchLimit) ? context.webSearchLimit : options.unboundedWebSearches;
  }

  /**
   * A budgeted request to a model without a known price (`tierUnpriced`: known at the standard tier,
   * not at the service tier the request goes at): admitted unbudgeted when `unknownPrice` is `allow`,
   * else refused (403).
   */
  function admitUnpriced(context: GatewayContext, tierUnpriced: boolean): void {
    if (options.unknownPrice === 'allow') return;
    const key = context.principal!.keyName;
    if (tierUnpriced) {
      const tier = context.targets.map((target) => tierAt(target, context.requestedServiceTier)).find((named) => named !== undefined);
      throw new GatewayError('TOLLGATE_PRICE_UNKNOWN', `A budget applies to key "${key}", but model "${context.request.model}" has no known price at the "${String(tier)}" service tier, so its cost cannot be bounded. The operator can add one under the pricing plugin's serviceTiers.`, { param: 'service_tier' });
    }
    throw new GatewayError('TOLLGATE_PRICE_UNKNOWN', `A budget applies to key "${key}", but model "${context.request.model}" has no known price, so its cost cannot be bounded. The operator can add one under the pricing plugin's overrides.`, { param: 'model' });
  }

  /**
   * A budgeted image request at a quality whose tokens per image Tollgate has no figure for: admitted
   * unbudgeted when `unknownPrice` is `allow`, else refused (403), as for a model without a price.
   */
  function admitUnboundedImages(context: GatewayContext & { readonly operation: 'images' }): void {
    if (options.unknownPrice === 'allow') return;
    throw new GatewayError(
      'TOLLGATE_PRICE_UNKNOWN',
      `A budget applies to key "${context.principal!.keyName}", but images of quality "${String(context.request.quality)}" have no known size in tokens, so their cost cannot be bounded. Ask for quality low, medium or high.`,
      { param: 'quality' },
    );
  }

  /**
   * A budgeted chat request asking for images of a model without a price for them (one the price
   * table lists at its text prices only): admitted unbudgeted when `unknownPrice` is `allow`, else
   * refused (403), as for a model without a price.
   */
  function admitUnpricedImageOutput(context: GatewayContext): void {
    if (options.unknownPrice === 'allow') return;
    throw new GatewayError(
      'TOLLGATE_PRICE_UNKNOWN',
      `A budget applies to key "${context.principal!.keyName}", but model "${context.request.model}" has no known price for the images it draws, so the cost of asking it for images cannot be bounded. The operator can add one (imageOutput) under the pricing plugin's overrides.`,
      { param: 'modalities' },
    );
  }

  /**
   * A budgeted image edit with an upload whose size in pixels could not be read: admitted unbudgeted
   * when `unknownPrice` is `allow`, else refused (403).
   */
  function admitUnreadableUploads(context: GatewayContext & { readonly operation: 'images' }): void {
    if (options.unknownPrice === 'allow') return;
    const unreadable = context.request.files?.find((file) => inputImageTokensAtMost(file) === undefined);
    throw new GatewayError(
      'TOLLGATE_PRICE_UNKNOWN',
      `A budget applies to key "${context.principal!.keyName}", but the size of "${unreadable?.name ?? 'an uploaded image'}" could not be read from the file, so the cost of editing it cannot be bounded. Send PNG, JPEG, WebP or GIF images.`,
      { param: unreadable?.field ?? 'image' },
    );
  }

  /**
   * A budgeted transcription whose cost cannot be bounded (an upload whose length the gateway could
   * not read, for a model billed by the hour of audio; a model billed by tokens whose context window is
   * unknown): admitted unbudgeted when `unknownPrice` is `allow`, else refused (403).
   */
  function admitUnboundedAudio(context: GatewayContext & { readonly operation: 'transcriptions' }): void {
    if (options.unknownPrice === 'allow') return;
    throw new GatewayError(
      'TOLLGATE_PRICE_UNKNOWN',
      `A budget applies to key "${context.principal!.keyName}", but the cost of transcribing "${context.request.file.name}" with model "${context.request.model}" cannot be bounded (its length could not be read from the file, or the model's context window is unknown). Send WAV, MP3, M4A, FLAC, OGG or WebM audio.`,
      { param: 'file' },
    );
  }

  /** Holds the worst case through `holder`, the store or the leases (one being renewed); in `clamp` mode, once more with the output the budget buys. */
  async function reserveInStore(
    context: GatewayContext,
    id: string,
    subjects: readonly BudgetSubject[],
    prices: WorstCasePrices,
    fixedMicros: number,
    initialOutputTokens: number,
    choices: number,
    holder: Pick<BudgetStore, 'reserve'>,
  ): Promise<void> {
    let outputTokens = initialOutputTokens;
    for (let attempt = 0; ; attempt += 1) {
      const amountMicros = fixedMicros + Math.ceil(outputTokens * choices * prices.output);
      const now = clock.now();
      const outcome = await holder.reserve({ id, subjects, amountMicros, expiresAt: now + options.reservationTtlMs, now }).catch((error: unknown) => Promise.reject(storeUnavailable(error)));
      if (outcome.ok) {
        context.set('budgetReservation', { id, subjects, amountMicros });
        return;
      }
      const affordable = prices.output > 0 ? Math.floor((outcome.availableMicros - fixedMicros) / (prices.output * choices)) : 0;
      if (options.onInsufficientBudget === 'reject' || context.operation !== 'chat' || attempt > 0 || affordable < options.minClampedTokens) {
        throw budgetExceeded(outcome.budget, outcome.availableMicros, amountMicros);
      }
      outputTokens = Math.min(outputTokens, affordable);
      // Set, not replaced: the client's bytes still go upstream (passthrough), with the lower limit — and
      // a thinking budget the limit no longer holds lowered with it, as Claude refuses one not under it.
      context.addRequestFields({ [outputLimit(context.request).field]: outputTokens, ...thinkingWithinClamp(context.request, outputTokens) });
    }
  }

  /** Charges the request's cost and ends its hold: at once on a lease, else in the store. */
  function settle(context: GatewayContext): void | Promise<void> {
    const reservation = context.get('budgetReservation');
    if (reservation === undefined) return;
    // Unknown cost after the upstream began answering: charge the worst case rather than nothing.
    const started = context.timings.firstByteAt !== undefined || context.usage !== undefined;
    const costMicros = context.costMicros ?? (started ? reservation.amountMicros : 0);
    // A lease reports to the alerts when it is settled in the store, not per request.
    if (leases?.charge(reservation.id, reservation.subjects, costMicros, clock.now()) === true) return;
    // Not drawn on a lease (or its lease was returned at shutdown): the hold is the store's.
    return settleWithRetries(store, clock, logger, {
      id: reservation.id,
      subjects: reservation.subjects,
      costMicros,
      label: 'budget settlement',
      fields: { requestId: context.requestId },
      onSettled: alert === undefined ? undefined : (settled) => alert(settled, costMicros),
    });
  }

  return { 'budget.reserve': reserve, 'budget.settle': settle, close: async () => leases?.close() };
}
