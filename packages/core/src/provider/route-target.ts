import type { UpstreamTimeouts } from '../config/gateway-config.js';
import type { TargetQuota } from '../routing/target-quotas.js';
import type { Provider } from './provider.js';

/** One place a request can be sent: a provider instance, the model name it knows, and overrides. */
export interface RouteTarget {
  /** The provider instance (from `providers:` in the config). */
  readonly provider: Provider;
  /** The model id sent upstream. */
  readonly model: string;
  /** `provider/model`, as written in the config; used in logs, headers and health state. */
  readonly id: string;
  /** Share of traffic under the `weighted` strategy (default 1). */
  readonly weight?: number;
  /** Timeouts for this target, over the group's and the provider's. */
  readonly timeouts?: UpstreamTimeouts;
  /** Retries of this target, over the group's. */
  readonly maxRetries?: number;
  /** Upstream parameters merged into the request for this target. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** USD per million input and output tokens, for `lowest-cost`. */
  readonly price?: { readonly input: number; readonly output: number };
  /** The target's quota per minute (requests, tokens): past it, the target is skipped. */
  readonly quota?: TargetQuota;
  /** The request tags the target serves (tag-based routing); `default`: requests with none of its route's tags. */
  readonly tags?: readonly string[];
  /** The deployment's context window in tokens (its config's `contextLength`, else the price table's): a group skips it for a request that cannot fit. */
  readonly contextLength?: number;
}
