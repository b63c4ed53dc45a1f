import { definePlugin } from '@tollgate/core';
import { AnthropicProvider } from './anthropic-provider.js';
import { anthropicProviderOptionsSchema } from './anthropic-provider-options.js';

/**
 * Registers the `anthropic` provider type (the Messages API).
 *
 * @example
 * plugins: ["@tollgate/provider-anthropic"]
 * providers:
 *   claude: { type: anthropic, apiKey: "${ANTHROPIC_API_KEY}" }
 * models:
 *   sonnet: { target: claude/claude-sonnet-4-5 }
 */
export const anthropicPlugin = definePlugin({
  name: '@tollgate/provider-anthropic',
  setup(api) {
    api.registerProvider('anthropic', {
      options: anthropicProviderOptionsSchema,
      create: (options, init) => new AnthropicProvider(init.name, options, init.logger),
    });
  },
});
