import type { Provider } from './provider.js';

/** One place a request can be sent: a provider instance and the model name it knows. */
export interface RouteTarget {
  /** The provider instance (from `providers:` in the config). */
  readonly provider: Provider;
  /** The model id sent upstream. */
  readonly model: string;
  /** `provider/model`, as written in the config; used in logs and headers. */
  readonly id: string;
}
