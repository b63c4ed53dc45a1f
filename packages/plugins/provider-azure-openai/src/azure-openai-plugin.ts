import { definePlugin } from '@tollgate/core';
import { AzureOpenAIProvider } from './azure-openai-provider.js';
import { azureOpenAIProviderOptionsSchema } from './azure-openai-provider-options.js';

/**
 * Registers the `azure-openai` provider type.
 *
 * @example
 * plugins: ["@tollgate/provider-azure-openai"]
 * providers:
 *   azure: { type: azure-openai, endpoint: "https://my-resource.openai.azure.com", apiKey: "${AZURE_OPENAI_API_KEY}" }
 * models:
 *   gpt-4o: { target: azure/my-gpt4o-deployment }
 */
export const azureOpenAIPlugin = definePlugin({
  name: '@tollgate/provider-azure-openai',
  setup(api) {
    api.registerProvider('azure-openai', {
      options: azureOpenAIProviderOptionsSchema,
      create: (options, init) => new AzureOpenAIProvider(init.name, options, init.logger),
    });
  },
});
