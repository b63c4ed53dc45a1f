import { afterEach, describe, expect, it, vi } from 'vitest';
import { calcPrice, findProvider } from '@pydantic/genai-prices';
import type { Logger } from '@tollgate/core';
import { pricingOptionsSchema } from './pricing-options.js';
import { TablePricing } from './table-pricing.js';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    warnings,
    debug: () => {},
    info: () => {},
    error: () => {},
    warn: (fields: unknown, message?: string) => void warnings.push(message ?? String(fields)),
    child: () => logger,
  };
  return logger as Logger & { warnings: string[] };
}

const usage = (prompt: number, completion: number, cached = 0, cacheWrite = 0, webSearches = 0, hourCacheWrite = 0) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: cached, cache_write_tokens: cacheWrite, ...(hourCacheWrite === 0 ? {} : { cache_write_1h_tokens: hourCacheWrite }) },
  ...(webSearches === 0 ? {} : { server_tool_use: { web_search_requests: webSearches } }),
});

afterEach(() => {
  vi.useRealTimers();
});

describe('TablePricing', () => {
  it('prices known models from the bundled table, cached input cheaper, in integer micro-dollars', () => {
    const pricing = new TablePricing({ overrides: {}, serviceTiers: {} }, recordingLogger());
    const gpt = { provider: 'openai', priceProvider: 'openai', model: 'gpt-4o' };
    // gpt-4o: $2.50 input, $1.25 cached input, $10 output per million tokens; its built-in web search $10 per thousand.
    expect(pricing.prices(gpt)).toEqual({ input: 2.5, output: 10, cacheRead: 1.25, webSearch: 10 });
    expect(pricing.costMicros(gpt, usage(1000, 500))).toBe(7500);
    expect(pricing.costMicros(gpt, usage(1000, 500, 200))).toBe(7250);
    const claude = { provider: 'claude', priceProvider: 'anthropic', model: 'claude-sonnet-4-5-20250929' };
    // Tiered: base prices for routing; for worst-case estimates the dearest an input token may be
    // charged (written to an hour-long cache: $6; past 200K input tokens $12) and the long-context output price.
    expect(pricing.prices(claude)).toEqual({
      input: 3,
      output: 15,
      cacheRead: 0.3,
      cacheWrite: 3.75,
      cacheWrite1h: 6,
      webSearch: 10,
      maxInput: 6,
      longContext: { fromTokens: 200_000, maxInput: 12, maxOutput: 22.5 },
    });
    expect(pricing.costMicros(claude, usage(1000, 0))).toBe(3000);
    // A fee per request whatever the tokens: Perplexity's Sonar, $12 per thousand requests.
    const sonar = { provider: 'perplexity', priceProvider: 'perplexity', model: 'sonar' };
    expect(pricing.prices(sonar)).toEqual({ input: 1, output: 1, request: 12 });
    expect(pricing.costMicros(sonar, usage(1000, 100))).toBe(1_100 + 12_000);
    // Cache writes: $3.75 per million for five minutes, $6 for an hour.
    expect(pricing.costMicros(claude, usage(1000, 0, 0, 1000))).toBe(3750);
    expect(pricing.costMicros(claude, usage(1000, 0, 0, 1000, 0, 400))).toBe(4650);
    // Web searches Anthropic ran as a server tool: $10 per thousand, on top of the tokens.
    expect(pricing.costMicros(claude, usage(1000, 0, 0, 0, 3))).toBe(33_000);
    expect(pricing.costMicros(gpt, usage(1000, 500, 0, 0, 2))).toBe(27_500);
  });

  it('looks a model up once, unless its prices depend on the time of day (DeepSeek\'s off-peak hours)', () => {
    const pricing = new TablePricing({ overrides: {}, serviceTiers: {} }, recordingLogger());
    const gpt = { provider: 'openai', priceProvider: 'openai', model: 'gpt-4o' };
    const mini = { provider: 'openai', priceProvider: 'openai', model: 'gpt-4o-mini' };
    for (let round = 0; round < 2; round += 1) {
      expect(pricing.prices(gpt)).toEqual({ input: 2.5, output: 10, cacheRead: 1.25, webSearch: 10 });
      expect(pricing.prices(mini)).toEqual({ input: 0.15, output: 0.6, cacheRead: 0.075, webSearch: 10 });
    }
    const deepseek = { provider: 'deepseek', priceProvider: 'deepseek', model: 'deepseek-chat' };
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-15T10:00:00Z'));
    expect(pricing.prices(deepseek)).toMatchObject({ input: 0.27, output: 1.1 });
    vi.setSystemTime(new Date('2026-01-15T20:00:00Z')); // off-peak: the same instance, the other price
    expect(pricing.prices(deepseek)).toMatchObject({ input: 0.135, output: 0.55 });
  });

  it('charges exactly what calcPrice charges, for every model of the bundled table, without calling it for simple prices', () => {
    const pricing = new TablePricing({ overrides: {}, serviceTiers: {} }, recordingLogger());
    const usages = [usage(0, 0), usage(1, 1), usage(1234, 567), usage(1234, 567, 1000), usage(1234, 567, 200, 34), usage(987_654, 12_345, 500_000, 1_000), usage(250_000, 99, 0, 240_000), usage(1234, 567, 200, 34, 3), usage(250_000, 99, 0, 240_000, 0, 200_000)];
    let compared = 0;
    for (const providerId of ['openai', 'anthropic', 'google', 'deepseek', 'mistral', 'groq', 'openrouter', 'x-ai', 'cohere', 'together', 'fireworks', 'aws', 'azure', 'perplexity']) {
      for (const entry of findProvider({ providerId })?.models ?? []) {
        const model = { provider: providerId, priceProvider: providerId, model: entry.id };
        for (const used of usages) {
          const tokens = { input_tokens: used.prompt_tokens, output_tokens: used.completion_tokens, cache_read_tokens: used.prompt_tokens_details.cached_tokens, cache_write_tokens: used.prompt_tokens_details.cache_write_tokens, cache_write_1h_tokens: used.prompt_tokens_details.cache_write_1h_tokens ?? 0, web_searches: used.server_tool_use?.web_search_requests ?? 0 };
          let expected: number | undefined;
          try {
            const result = calcPrice(tokens, entry.id, { providerId });
            expected = result === null ? undefined : Math.round(result.total_price * 1_000_000);
          } catch {
            continue; // usage the table refuses for this model (more cached than input tokens, by its rules)
          }
          expect({ model: entry.id, used, cost: pricing.costMicros(model, used) }).toEqual({ model: entry.id, used, cost: expected });
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(5_000);
  });

  it('lets overrides win, by provider/model or bare model, and prices self-hosted models only through them', () => {
    const logger = recordingLogger();
    const pricing = new TablePricing({ overrides: { 'gpu-box/llama-3.3-70b': { input: 0.1, output: 0.3 }, 'gpt-4o': { input: 1, output: 2, webSearch: 25 }, 'claude/claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheWrite1h: 2 } }, serviceTiers: {} }, logger);
    expect(pricing.costMicros({ provider: 'gpu-box', priceProvider: undefined, model: 'llama-3.3-70b' }, usage(10_000, 1_000))).toBe(1300);
    expect(pricing.costMicros({ provider: 'openai', priceProvider: 'openai', model: 'gpt-4o' }, usage(1_000_000, 0))).toBe(1_000_000);
    expect(pricing.costMicros({ provider: 'openai', priceProvider: 'openai', model: 'gpt-4o' }, usage(1_000_000, 0, 0, 0, 4))).toBe(1_100_000);
    // 600 tokens written for five minutes at $1.25, 400 for an hour at $2, 100 uncached at $1.
    expect(pricing.costMicros({ provider: 'claude', priceProvider: 'anthropic', model: 'claude-haiku-4-5' }, usage(1_100, 0, 0, 1_000, 0, 400))).toBe(1650);
    // An override without a web search price charges searches nothing, as it says.
    expect(pricing.costMicros({ provider: 'gpu-box', priceProvider: undefined, model: 'llama-3.3-70b' }, usage(10_000, 1_000, 0, 0, 4))).toBe(1300);
    expect(logger.warnings).toEqual([]);
  });

  it('records an unknown price as unknown (never 0) and warns once per model', () => {
    const logger = recordingLogger();
    const pricing = new TablePricing({ overrides: {}, serviceTiers: {} }, logger);
    const unknown = { provider: 'gpu-box', priceProvider: undefined, model: 'my-finetune' };
    expect(pricing.costMicros(unknown, usage(10, 10))).toBeUndefined();
    expect(pricing.costMicros(unknown, usage(10, 10))).toBeUndefined();
    expect(pricing.prices(unknown)).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('gpu-box/my-finetune');
    // A model the table does not know, under a provider it does: unknown too, each time.
    const finetune = { provider: 'openai', priceProvider: 'openai', model: 'ft:not-a-table-model:acme::x1' };
    expect(pricing.costMicros(finetune, usage(10, 10))).toBeUndefined();
    expect(pricing.costMicros(finetune, usage(10, 10))).toBeUndefined();
    expect(pricing.prices(finetune)).toBeUndefined();
    expect(logger.warnings).toHaveLength(2);
  });

  it('prices a model the table lists without a price as free — budgets bound it at nothing, as its cost is charged', () => {
    const logger = recordingLogger();
    const pricing = new TablePricing({ overrides: {}, serviceTiers: {} }, logger);
    // OpenAI's moderation models: listed, "free of charge".
    const moderation = { provider: 'openai', priceProvider: 'openai', model: 'omni-moderation-latest' };
    expect(pricing.prices(moderation)).toEqual({ input: 0, output: 0 });
    expect(pricing.costMicros(moderation, usage(120, 0))).toBe(0);
    expect(logger.warnings).toEqual([]);
  });
});

describe('TablePricing of image models', () => {
  it("gives GPT Image models' image token prices, and prices each kind of token at its own", () => {
    const pricing = new TablePricing({ overrides: {}, serviceTiers: {} }, recordingLogger());
    const gptImage15 = { provider: 'openai', priceProvider: 'openai', model: 'gpt-image-1.5' };
    expect(pricing.prices(gptImage15)).toMatchObject({ input: 5, output: 10, imageInput: 8, imageOutput: 32 });
    // 6 text and 517 image tokens in, 272 image tokens out: $0.00003 + $0.004136 + $0.008704.
    const edit = { ...usage(523, 272), prompt_tokens_details: { image_tokens: 517 }, completion_tokens_details: { image_tokens: 272 } };
    expect(pricing.costMicros(gptImage15, edit)).toBe(12_870);
    // gpt-image-1 prices its image input apart ($10 against its text's $5) and its output at one price.
    const gptImage1 = { provider: 'openai', priceProvider: 'openai', model: 'gpt-image-1' };
    expect(pricing.costMicros(gptImage1, edit)).toBe(30 + 5_170 + 10_880);
  });

  it("takes an image output price from the options where the table has only the text's (OpenRouter's image models)", () => {
    const options = pricingOptionsSchema.parse({ overrides: { 'openrouter/google/gemini-2.5-flash-image': { input: 0.3, output: 2.5, imageOutput: 30 } } });
    const pricing = new TablePricing(options, recordingLogger());
    const model = { provider: 'openrouter', priceProvider: 'openrouter', model: 'google/gemini-2.5-flash-image' };
    expect(pricing.prices(model)).toEqual({ input: 0.3, output: 2.5, imageOutput: 30 });
    // 7 text tokens at $2.50 and 1,290 image tokens at $30 per million.
    expect(pricing.costMicros(model, { ...usage(0, 1_297), completion_tokens_details: { image_tokens: 1_290 } })).toBe(38_718);
  });

  it("prices the images of a model reached through OpenRouter at its maker's image price, which OpenRouter's table entry lacks", () => {
    const pricing = new TablePricing({ overrides: {}, serviceTiers: {} }, recordingLogger());
    const flashImage = { provider: 'openrouter', priceProvider: 'openrouter', model: 'google/gemini-2.5-flash-image' };
    // OpenRouter's entry (its text prices and cache prices), with Google's $30 a million image tokens.
    expect(pricing.prices(flashImage)).toEqual({ input: 0.3, output: 2.5, cacheRead: 0.03, cacheWrite: 0.08333333333333334, imageOutput: 30 });
    // 7 text tokens at $2.50 and 1,290 image tokens at $30 per million: $0.0000175 + $0.0387.
    expect(pricing.costMicros(flashImage, { ...usage(0, 1_297), completion_tokens_details: { image_tokens: 1_290 } })).toBe(38_718);
    // Gemini 3 Pro Image: $120 a million image tokens against $12 for its text.
    expect(pricing.prices({ ...flashImage, model: 'google/gemini-3-pro-image-preview' })).toMatchObject({ output: 12, imageOutput: 120 });
    // A text answer costs what the table says, cache reads included: 600K × $0.30 + 400K × $0.03 + 100K × $2.50.
    expect(pricing.costMicros(flashImage, usage(1_000_000, 100_000, 400_000))).toBe(180_000 + 12_000 + 250_000);
    // A model whose maker prices no images apart keeps OpenRouter's entry.
    expect(pricing.prices({ ...flashImage, model: 'openai/gpt-4o-mini' })).not.toHaveProperty('imageOutput');
  });
});

describe('TablePricing at a processing tier (service_tier)', () => {
  const gpt5 = { provider: 'openai', priceProvider: 'openai', model: 'gpt-5' };
  // 800K uncached, 200K cached, 100K out: at gpt-5's standard $1.25 / $0.125 / $10, $2.025.
  const turn = usage(1_000_000, 100_000, 200_000);

  it("prices OpenAI's Priority tier from its published list, dated snapshots as their model", () => {
    const logger = recordingLogger();
    const pricing = new TablePricing({ overrides: {}, serviceTiers: {} }, logger);
    expect(pricing.costMicros(gpt5, turn)).toBe(2_025_000);
    // $2.50 / $0.25 / $20.
    expect(pricing.costMicros({ ...gpt5, serviceTier: 'priority' }, turn)).toBe(4_050_000);
    expect(pricing.costMicros({ ...gpt5, model: 'gpt-5-2025-08-07', serviceTier: 'priority' }, turn)).toBe(4_050_000);
    // gpt-4o's May 2024 snapshot has its own price, and no cached one: its cached tokens at its input price ($8.75 / $26.25).
    expect(pricing.costMicros({ ...gpt5, model: 'gpt-4o-2024-05-13', serviceTier: 'priority' }, turn)).toBe(8_750_000 + 2_625_000);
    expect(pricing.prices({ ...gpt5, serviceTier: 'priority' })).toMatchObject({ input: 2.5, output: 20, cacheRead: 0.25 });
    // The standard tier's names price as the standard tier.
    for (const standard of ['default', 'auto', 'standard', 'on_demand']) expect(pricing.costMicros({ ...gpt5, serviceTier: standard }, turn)).toBe(2_025_000);
    expect(logger.warnings).toEqual([]);
  });

  it('prices Flex at half the standard tokens on OpenAI and Azure, web searches at full price, and Groq Flex as on demand', () => {
    const pricing = new TablePricing({ overrides: {}, serviceTiers: {} }, recordingLogger());
    expect(pricing.costMicros({ ...gpt5, serviceTier: 'flex' }, turn)).toBe(1_012_500);
    const searching = usage(1_000_000, 100_000, 200_000, 0, 2);
    const searchFees = pricing.costMicros(gpt5, searching)! - 2_025_000;
    expect(searchFees).toBeGreaterThan(0);
    expect(pricing.costMicros({ ...gpt5, serviceTier: 'flex' }, searching)).toBe(1_012_500 + searchFees);
    expect(pricing.prices({ ...gpt5, serviceTier: 'flex' })).toMatchObject({ input: 0.625, output: 5, cacheRead: 0.0625 });
    const azure = { provider: 'azure', priceProvider: 'azure', model: 'gpt-4.1' };
    const azureStandard = pricing.costMicros(azure, turn);
    expect(azureStandard).toBeGreaterThan(0);
    expect(pricing.costMicros({ ...azure, serviceTier: 'flex' }, turn)).toBe(Math.round(azureStandard! / 2));
    const groq = { provider: 'groq', priceProvider: 'groq', model: 'llama-3.3-70b-versatile' };
    expect(pricing.costMicros(groq, turn)).toBeGreaterThan(0);
    expect(pricing.costMicros({ ...groq, serviceTier: 'flex' }, turn)).toBe(pricing.costMicros(groq, turn));
  });

  it('records a tier it knows no price for as unknown, warning once per model and tier, and takes configured tier prices first', () => {
    const logger = recordingLogger();
    const pricing = new TablePricing({ overrides: {}, serviceTiers: { 'gpt-5': { priority: { input: 3, output: 30 } }, 'openai/gpt-3.5-turbo': { priority: { input: 1, output: 2 } } } }, logger);
    expect(pricing.costMicros({ ...gpt5, serviceTier: 'scale' }, turn)).toBeUndefined();
    expect(pricing.costMicros({ ...gpt5, serviceTier: 'scale' }, turn)).toBeUndefined();
    expect(pricing.prices({ ...gpt5, serviceTier: 'scale' })).toBeUndefined();
    const unlisted = { ...gpt5, model: 'gpt-4-turbo', serviceTier: 'priority' };
    expect(pricing.costMicros(unlisted, turn)).toBeUndefined();
    expect(pricing.prices(unlisted)).toBeUndefined();
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[0]).toContain('"openai/gpt-5" at the "scale" service tier');
    expect(logger.warnings[0]).toContain('serviceTiers');
    // Configured: $3 for every input token (cached ones too, no cached price given) and $30 out.
    expect(pricing.costMicros({ ...gpt5, serviceTier: 'priority' }, turn)).toBe(3_000_000 + 3_000_000);
    expect(pricing.costMicros({ ...gpt5, model: 'gpt-3.5-turbo', serviceTier: 'priority' }, usage(1_000_000, 0))).toBe(1_000_000);
  });
});

describe("TablePricing for Claude's fast mode (the tier `fast`)", () => {
  // 100K uncached in, 10K out; Claude Opus 4.6, 4.8 and 5 at $5 / $25 standard: $0.75.
  const turn = usage(100_000, 10_000);
  const claude = (model: string) => ({ provider: 'claude', priceProvider: 'anthropic', model });

  it("charges each model's multiple of the standard rates, cache writes included, on Anthropic's API only", () => {
    const logger = recordingLogger();
    const pricing = new TablePricing({ overrides: {}, serviceTiers: {} }, logger);
    expect(pricing.costMicros(claude('claude-opus-4-6'), turn)).toBe(750_000);
    expect(pricing.costMicros({ ...claude('claude-opus-4-6'), serviceTier: 'fast' }, turn)).toBe(4_500_000);
    expect(pricing.costMicros({ ...claude('claude-opus-4-7'), serviceTier: 'fast' }, turn)).toBe(4_500_000);
    expect(pricing.costMicros({ ...claude('claude-opus-4-8'), serviceTier: 'fast' }, turn)).toBe(1_500_000);
    expect(pricing.costMicros({ ...claude('claude-opus-5'), serviceTier: 'fast' }, turn)).toBe(1_500_000);
    expect(pricing.prices({ ...claude('claude-opus-4-6'), serviceTier: 'fast' })).toMatchObject({ input: 30, output: 150 });
    // 1,000 written to the cache for five minutes: 1.25× input, then 6×.
    const written = usage(1_000, 0, 0, 1_000);
    expect(pricing.costMicros({ ...claude('claude-opus-4-6'), serviceTier: 'fast' }, written)).toBe(6 * pricing.costMicros(claude('claude-opus-4-6'), written)!);
    // Speed is a Messages API field: another API serves the same model at its standard prices.
    const bedrock = { provider: 'bedrock', priceProvider: 'aws', model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' };
    expect(pricing.costMicros({ ...bedrock, serviceTier: 'fast' }, turn)).toBe(pricing.costMicros(bedrock, turn));
    expect(logger.warnings).toEqual([]);
    // A model whose fast mode Tollgate has no price for: unknown, never the standard price.
    expect(pricing.costMicros({ ...claude('claude-opus-5-5'), serviceTier: 'fast' }, turn)).toBeUndefined();
    expect(pricing.prices({ ...claude('claude-opus-5-5'), serviceTier: 'fast' })).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
  });
});
