/**
 * The wire format a client (ingress) or an upstream (provider) speaks. When the two are equal, and no
 * hook needs decoded content, the body passes through as bytes.
 */
export type WireFormat = 'openai' | 'anthropic' | (string & {});
