import { anthropicPlugin } from './anthropic-plugin.js';

export default anthropicPlugin;
export { anthropicPlugin };
export { AnthropicProvider } from './anthropic-provider.js';
export type { AnthropicProviderOptions } from './anthropic-provider-options.js';
export { convertToAnthropicRequest, untranslatedOpenAIFields } from './convert-to-anthropic-request.js';
export { convertFromAnthropicResponse } from '@tollgate/provider-utils';
