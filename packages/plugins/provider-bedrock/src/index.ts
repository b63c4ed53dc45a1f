import { bedrockPlugin } from './bedrock-plugin.js';

export default bedrockPlugin;
export { bedrockPlugin };
export { BedrockProvider } from './bedrock-provider.js';
export type { BedrockProviderOptions } from './bedrock-provider-options.js';
export { convertToBedrockRequest, untranslatedOpenAIFields } from './convert-to-bedrock-request.js';
export { convertFromBedrockResponse } from './convert-from-bedrock-response.js';
