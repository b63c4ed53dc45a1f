import { definePlugin } from '@tollgate/core';
import { BedrockProvider } from './bedrock-provider.js';
import { bedrockProviderOptionsSchema } from './bedrock-provider-options.js';

/**
 * Registers the `bedrock` provider type (Amazon Bedrock's Converse API).
 *
 * @example
 * plugins: ["@tollgate/provider-bedrock"]
 * providers:
 *   aws: { type: bedrock, region: us-east-1 }
 * models:
 *   sonnet: { target: aws/us.anthropic.claude-sonnet-4-5-20250929-v1:0 }
 */
export const bedrockPlugin = definePlugin({
  name: '@tollgate/provider-bedrock',
  setup(api) {
    api.registerProvider('bedrock', {
      options: bedrockProviderOptionsSchema,
      create: (options, init) => new BedrockProvider(init.name, options, init.logger),
    });
  },
});
