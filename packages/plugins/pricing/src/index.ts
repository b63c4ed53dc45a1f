import { pricingPlugin } from './pricing-plugin.js';

export default pricingPlugin;
export { pricingPlugin };
export { TablePricing } from './table-pricing.js';
export type { PricingOptions } from './pricing-options.js';
