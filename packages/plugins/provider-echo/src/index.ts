import { echoPlugin } from './echo-plugin.js';

export default echoPlugin;
export { echoPlugin };
export { EchoProvider } from './echo-provider.js';
export type { EchoProviderOptions } from './echo-provider-options.js';
