import { geminiPlugin } from './gemini-plugin.js';

export default geminiPlugin;
export { geminiPlugin };
export { GeminiProvider } from './gemini-provider.js';
export type { GeminiProviderOptions } from './gemini-provider-options.js';
export { convertToGeminiRequest, untranslatedOpenAIFields } from './convert-to-gemini-request.js';
export { convertFromGeminiResponse } from './convert-from-gemini-response.js';
