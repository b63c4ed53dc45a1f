import { definePlugin } from '@tollgate/core';
import { EchoProvider } from './echo-provider.js';
import { echoProviderOptionsSchema } from './echo-provider-options.js';

/**
 * Registers the `echo` provider type: answers offline, deterministically.
 *
 * @example
 * plugins: ["@tollgate/provider-echo"]
 * providers: { echo: { type: echo } }
 * models: { echo: { target: echo/echo-1 } }
 */
export const echoPlugin = definePlugin({
  name: '@tollgate/provider-echo',
  setup(api) {
    api.registerProvider('echo', {
      options: echoProviderOptionsSchema,
      create: (options, init) => new EchoProvider(init.name, options),
    });
  },
});
