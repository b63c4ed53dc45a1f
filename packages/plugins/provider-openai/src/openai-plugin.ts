import { definePlugin } from '@tollgate/core';
import { OpenAIProvider } from './openai-provider.js';
import { openAIProviderOptionsSchema } from './openai-provider-options.js';

/**
 * Registers the `openai` provider type: OpenAI, and any OpenAI-compatible server by `baseURL`.
 *
 * @example
 * # tollgate.config.yaml
 * plugins: ["@tollgate/provider-openai"]
 * providers:
 *   openai:  { type: openai, apiKey: "${OPENAI_API_KEY}" }
 *   gpu-box: { type: openai, baseURL: "http://10.0.0.7:8000/v1" }
 */
export const openAIPlugin = definePlugin({
  name: '@tollgate/provider-openai',
  setup(api) {
    api.registerProvider('openai', {
      options: openAIProviderOptionsSchema,
      create: (options, init) => new OpenAIProvider(init.name, options, init.logger),
    });
  },
});
