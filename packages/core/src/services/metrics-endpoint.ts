import { createServiceToken } from './service-token.js';

/** What the server serves at `/metrics` when a metrics plugin provides it. */
export interface MetricsEndpoint {
  readonly contentType: string;
  /** The current metrics, in the endpoint's text format. */
  render(): Promise<string>;
}

/** Service token of the `/metrics` endpoint. */
export const MetricsEndpoint = createServiceToken<MetricsEndpoint>('MetricsEndpoint');
