import { openAIPlugin } from './openai-plugin.js';

export default openAIPlugin;
export { openAIPlugin };
export { OpenAIProvider } from './openai-provider.js';
export type { OpenAIProviderOptions } from './openai-provider-options.js';
export { openAICompatiblePresets } from './presets.js';
export type { PresetName, OpenAICompatiblePreset } from './presets.js';
