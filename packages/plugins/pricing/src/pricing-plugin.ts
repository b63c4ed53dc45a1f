import { definePlugin, Pricing } from '@tollgate/core';
import { pricingOptionsSchema } from './pricing-options.js';
import { TablePricing } from './table-pricing.js';

/**
 * Provides the `Pricing` service: request costs in the ledger, prices for budgets and `lowest-cost`.
 *
 * @example
 * plugins:
 *   - { name: "@tollgate/pricing", options: { overrides: { "gpu-box/meta-llama/Llama-3.3-70B-Instruct": { input: 0.1, output: 0.1 } } } }
 */
export const pricingPlugin = definePlugin({
  name: '@tollgate/pricing',
  options: pricingOptionsSchema,
  setup(api, options) {
    api.provide(Pricing, new TablePricing(options, api.logger));
  },
});
