import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { costAtPrices, type ModelPrices, type PricedModel, type Pricing, type Usage } from '@tollgate/core';

/** One model of OpenRouter's catalog, as Tollgate keeps it: context size, output limit and prices (USD per million tokens). */
export interface CatalogModel {
  readonly id: string;
  readonly contextLength: number | undefined;
  readonly maxCompletionTokens: number | undefined;
  readonly prices: ModelPrices;
}

/** The catalog file `tollgate models sync openrouter` writes and the plugin reads at startup. */
export interface CatalogFile {
  readonly source: string;
  /** ISO time of the fetch. */
  readonly fetchedAt: string;
  readonly models: readonly CatalogModel[];
}

/** A model of `GET /api/v1/models` (the fields used; prices are USD per token, as strings). */
interface OpenRouterModelCard {
  readonly id: string;
  readonly context_length?: number | null;
  readonly pricing?: { readonly prompt?: string; readonly completion?: string; readonly input_cache_read?: string; readonly input_cache_write?: string; readonly request?: string; readonly web_search?: string; readonly image_output?: string };
  readonly top_provider?: { readonly context_length?: number | null; readonly max_completion_tokens?: number | null };
}

/** USD per token (a decimal string) as USD per million tokens; undefined when missing or not a price. */
function perMillion(value: string | undefined): number | undefined {
  const price = Number(value);
  return value === undefined || !Number.isFinite(price) || price < 0 ? undefined : Math.round(price * 1e6 * 1e6) / 1e6;
}

/** USD per request or per search (a decimal string) as USD per thousand; undefined when missing, not a price, or 0. */
function perThousand(value: string | undefined): number | undefined {
  const price = Number(value);
  return value === undefined || !Number.isFinite(price) || price <= 0 ? undefined : Math.round(price * 1e3 * 1e6) / 1e6;
}

/**
 * Reads OpenRouter's catalog (`GET <baseURL>/models`): every model with a prompt and completion price,
 * its fees per request and per web search, and the price of an image it draws (`image_output`, per
 * token: Gemini's image models bill a picture's tokens at twelve times their text's).
 */
export async function fetchOpenRouterCatalog(baseURL: string, apiKey?: string, signal: AbortSignal = AbortSignal.timeout(30_000)): Promise<CatalogModel[]> {
  const response = await fetch(`${baseURL.replace(/\/+$/, '')}/models`, { headers: { accept: 'application/json', ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }) }, signal });
  if (!response.ok) throw new Error(`OpenRouter's catalog answered ${response.status} at ${baseURL}/models`);
  const { data } = (await response.json()) as { data?: OpenRouterModelCard[] };
  if (!Array.isArray(data)) throw new Error(`OpenRouter's catalog at ${baseURL}/models has no "data" list`);
  const models: CatalogModel[] = [];
  for (const card of data) {
    const input = perMillion(card.pricing?.prompt);
    const output = perMillion(card.pricing?.completion);
    if (typeof card.id !== 'string' || input === undefined || output === undefined) continue;
    const cacheRead = perMillion(card.pricing?.input_cache_read);
    const cacheWrite = perMillion(card.pricing?.input_cache_write);
    const request = perThousand(card.pricing?.request);
    const webSearch = perThousand(card.pricing?.web_search);
    const imageOutput = perMillion(card.pricing?.image_output);
    models.push({
      id: card.id,
      contextLength: card.context_length ?? card.top_provider?.context_length ?? undefined,
      maxCompletionTokens: card.top_provider?.max_completion_tokens ?? undefined,
      prices: {
        input,
        output,
        ...(cacheRead === undefined ? {} : { cacheRead }),
        ...(cacheWrite === undefined ? {} : { cacheWrite }),
        ...(request === undefined ? {} : { request }),
        ...(webSearch === undefined ? {} : { webSearch }),
        ...(imageOutput === undefined || imageOutput === 0 ? {} : { imageOutput }),
      },
    });
  }
  return models;
}

/** Fetches the catalog and writes it to `file` (atomically: a temporary file, then a rename). */
export async function syncOpenRouterCatalog(options: { baseURL: string; apiKey?: string; file: string }): Promise<CatalogFile> {
  const models = await fetchOpenRouterCatalog(options.baseURL, options.apiKey);
  const catalog: CatalogFile = { source: `${options.baseURL.replace(/\/+$/, '')}/models`, fetchedAt: new Date().toISOString(), models };
  await mkdir(dirname(options.file), { recursive: true });
  await writeFile(`${options.file}.tmp`, `${JSON.stringify(catalog, null, 2)}\n`);
  await rename(`${options.file}.tmp`, options.file);
  return catalog;
}

/** The catalog file, or undefined when there is none yet. */
export async function readOpenRouterCatalog(file: string): Promise<CatalogFile | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CatalogFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`The OpenRouter catalog file ${file} cannot be read: ${(error as Error).message}`);
  }
}

/**
 * A price source that knows OpenRouter's catalog: models of providers whose price id is `openrouter`
 * are priced from it (so `openrouter/*` wildcard routes have prices for budgets and `lowest-cost`);
 * every other model is asked of `fallback` (the pricing plugin). OpenRouter's reported `usage.cost`
 * still wins for the recorded cost of a finished request.
 */
export function catalogPricing(catalog: readonly CatalogModel[], fallback: Pricing | undefined): Pricing {
  const byId = new Map(catalog.map((model) => [model.id, model]));
  const prices = (model: PricedModel): ModelPrices | undefined => (model.priceProvider === 'openrouter' ? byId.get(model.model)?.prices : undefined) ?? fallback?.prices(model);
  return {
    prices,
    costMicros(model: PricedModel, usage: Usage): number | undefined {
      const known = model.priceProvider === 'openrouter' ? byId.get(model.model)?.prices : undefined;
      return known === undefined ? fallback?.costMicros(model, usage) : costAtPrices(known, usage);
    },
  };
}
