import { definePlugin } from '@tollgate/core';
import { acmeOptionsSchema } from './options.js';
import { AcmeProvider } from './acme-provider.js';

/** Registers the `acme` provider type. */
export const acmePlugin = definePlugin({
  name: 'tollgate-provider-acme',
  setup(api) {
    api.registerProvider('acme', {
      options: acmeOptionsSchema,
      create: (options, init) => new AcmeProvider(init.name, options),
    });
  },
});
