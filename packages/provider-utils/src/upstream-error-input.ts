/** What a provider's error mapper receives about an upstream error answer (or error event). */
export interface UpstreamErrorInput {
  /** The provider instance name. */
  readonly provider: string;
  /** The upstream's status (502 for an error that arrived inside a 200 answer or stream). */
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly bodyText: string;
  /** Values to strip from messages: the provider's own key. */
  readonly secrets: readonly string[];
  /** The option an operator checks when the upstream refuses the gateway's credentials (`apiKey` by default; `vertex` on Vertex AI). */
  readonly credentialOption?: string | undefined;
}
