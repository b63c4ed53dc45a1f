import { azureOpenAIPlugin } from './azure-openai-plugin.js';

export default azureOpenAIPlugin;
export { azureOpenAIPlugin };
export { AzureOpenAIProvider } from './azure-openai-provider.js';
export type { AzureOpenAIProviderOptions } from './azure-openai-provider-options.js';
