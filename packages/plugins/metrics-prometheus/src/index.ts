import { prometheusPlugin } from './prometheus-plugin.js';

export default prometheusPlugin;
export { prometheusPlugin };
export { GatewayMetrics } from './gateway-metrics.js';
export type { PrometheusOptions } from './prometheus-options.js';
