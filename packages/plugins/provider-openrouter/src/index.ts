import { openRouterPlugin } from './openrouter-plugin.js';

export default openRouterPlugin;
export { openRouterPlugin };
export { OpenRouterProvider } from './openrouter-provider.js';
export type { OpenRouterProviderOptions } from './openrouter-provider-options.js';
