import { openRouterPlugin } from './openrouter-plugin.js';

export default openRouterPlugin;
export { openRouterPlugin };
export { OpenRouterProvider } from './openrouter-provider.js';
export type { OpenRouterProviderOptions } from './openrouter-provider-options.js';
export { fetchOpenRouterCatalog, syncOpenRouterCatalog, readOpenRouterCatalog, catalogPricing } from './openrouter-catalog.js';
export type { CatalogModel, CatalogFile } from './openrouter-catalog.js';
export { openRouterPluginOptionsSchema } from './openrouter-plugin.js';
