import { definePlugin } from '@tollgate/core';
import { GeminiProvider } from './gemini-provider.js';
import { geminiProviderOptionsSchema } from './gemini-provider-options.js';

/**
 * Registers the `gemini` provider type (the Gemini API).
 *
 * @example
 * plugins: ["@tollgate/provider-gemini"]
 * providers:
 *   google: { type: gemini, apiKey: "${GEMINI_API_KEY}" }
 * models:
 *   flash: { target: google/gemini-2.5-flash }
 */
export const geminiPlugin = definePlugin({
  name: '@tollgate/provider-gemini',
  setup(api) {
    api.registerProvider('gemini', {
      options: geminiProviderOptionsSchema,
      create: (options, init) => new GeminiProvider(init.name, options, init.logger),
    });
  },
});
