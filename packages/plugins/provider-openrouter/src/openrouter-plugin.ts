import { definePlugin, Pricing, z } from '@tollgate/core';
import { catalogPricing, readOpenRouterCatalog, syncOpenRouterCatalog, type CatalogFile } from './openrouter-catalog.js';
import { OpenRouterProvider } from './openrouter-provider.js';
import { openRouterProviderOptionsSchema } from './openrouter-provider-options.js';

/** Options of the plugin itself (each provider instance has its own, under `providers:`). */
export const openRouterPluginOptionsSchema = z
  .strictObject({
    /**
     * OpenRouter's model catalog as a price source: read from `file` (written by `tollgate models sync
     * openrouter`), or fetched at startup with `syncAtStartup` (falling back to the file when
     * OpenRouter cannot be reached). List this plugin after `@tollgate/pricing`.
     */
    catalog: z
      .strictObject({
        file: z.string().min(1).default('openrouter-models.json'),
        syncAtStartup: z.boolean().default(false),
        baseURL: z.string().min(1).default('https://openrouter.ai/api/v1'),
        apiKey: z.string().min(1).optional(),
      })
      .optional(),
  })
  .prefault({});

/**
 * Registers the `openrouter` provider type, and — with `catalog` — prices OpenRouter's models from
 * its catalog, so `openrouter/*` routes can be budgeted and ordered by cost.
 *
 * @example
 * plugins:
 *   - "@tollgate/pricing"
 *   - { name: "@tollgate/provider-openrouter", options: { catalog: { syncAtStartup: true } } }
 * providers:
 *   openrouter: { type: openrouter, apiKey: "${OPENROUTER_API_KEY}", extensions: { provider: { data_collection: deny } } }
 * models:
 *   "or/*": { target: "openrouter/*" }
 */
export const openRouterPlugin = definePlugin({
  name: '@tollgate/provider-openrouter',
  options: openRouterPluginOptionsSchema,
  async setup(api, options) {
    // Provider instances are built after every plugin's setup, so they see the catalog loaded below.
    let catalogIds: readonly string[] | undefined;
    api.registerProvider('openrouter', {
      options: openRouterProviderOptionsSchema,
      create: (providerOptions, init) => new OpenRouterProvider(init.name, providerOptions, catalogIds),
    });
    const settings = options.catalog;
    if (settings === undefined) return;
    let catalog: CatalogFile | undefined;
    if (settings.syncAtStartup) {
      catalog = await syncOpenRouterCatalog({ baseURL: settings.baseURL, file: settings.file, ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }) }).catch((error: unknown) => {
        api.logger.warn({ err: error, file: settings.file }, 'OpenRouter catalog sync failed; using the cached file');
        return undefined;
      });
    }
    catalog ??= await readOpenRouterCatalog(settings.file);
    if (catalog === undefined) {
      api.logger.warn({ file: settings.file }, 'no OpenRouter catalog yet: run `tollgate models sync openrouter` (OpenRouter models are priced by the price table only)');
      return;
    }
    catalogIds = catalog.models.map((model) => model.id);
    api.provide(Pricing, catalogPricing(catalog.models, api.resolve(Pricing)));
    api.logger.info({ models: catalog.models.length, fetchedAt: catalog.fetchedAt }, 'OpenRouter catalog loaded');
  },
});
