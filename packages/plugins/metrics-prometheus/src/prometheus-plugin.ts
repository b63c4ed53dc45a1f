import { definePlugin, MetricsEndpoint, TargetCircuits, TargetQuotaUsage } from '@tollgate/core';
import { GatewayMetrics } from './gateway-metrics.js';
import { prometheusOptionsSchema } from './prometheus-options.js';

declare module '@tollgate/core' {
  interface ContextVariableMap {
    /** Set when the request was counted in flight. */
    prometheusInFlight: boolean;
  }
}

/**
 * Prometheus metrics on `/metrics`: requests and latency by model, provider and status; time to first
 * token; each upstream attempt; tokens and cost by team, key and model; errors by code; budget and
 * rate-limit refusals by level; response-cache hits; requests in flight; targets cooling down; what
 * the last minute used of each target's quota.
 * Recorded by a `log` hook, after the answer was sent; cooldowns read at each scrape.
 *
 * @example
 * plugins: ["@tollgate/provider-openai", "@tollgate/metrics-prometheus"]
 */
export const prometheusPlugin = definePlugin({
  name: '@tollgate/metrics-prometheus',
  options: prometheusOptionsSchema,
  setup(api, options) {
    // The engine's circuit breakers and quotas exist once the gateway is assembled, after every plugin's setup.
    const metrics = new GatewayMetrics(options, () => api.resolve(TargetCircuits), () => api.resolve(TargetQuotaUsage));
    api.addHook('route', (context) => {
      metrics.started();
      context.set('prometheusInFlight', true);
    });
    api.addHook('log', (context) => metrics.finished(context, context.get('prometheusInFlight') === true));
    api.provide(MetricsEndpoint, { contentType: metrics.registry.contentType, render: () => metrics.registry.metrics() });
  },
});
