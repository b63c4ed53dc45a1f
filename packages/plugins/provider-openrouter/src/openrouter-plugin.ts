import { definePlugin } from '@tollgate/core';
import { OpenRouterProvider } from './openrouter-provider.js';
import { openRouterProviderOptionsSchema } from './openrouter-provider-options.js';

/**
 * Registers the `openrouter` provider type.
 *
 * @example
 * plugins: ["@tollgate/provider-openrouter"]
 * providers:
 *   openrouter: { type: openrouter, apiKey: "${OPENROUTER_API_KEY}", extensions: { provider: { data_collection: deny } } }
 * models:
 *   "or/*": { target: "openrouter/*" }
 */
export const openRouterPlugin = definePlugin({
  name: '@tollgate/provider-openrouter',
  setup(api) {
    api.registerProvider('openrouter', {
      options: openRouterProviderOptionsSchema,
      create: (options, init) => new OpenRouterProvider(init.name, options),
    });
  },
});
