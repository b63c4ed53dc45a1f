/** A `provider/model` reference split into its parts. */
export interface TargetReference {
  readonly provider: string;
  readonly model: string;
}

/** Splits `openrouter/anthropic/claude-sonnet-4.5` at its first slash. */
export function parseTargetReference(reference: string): TargetReference {
  const slash = reference.indexOf('/');
  return { provider: reference.slice(0, slash), model: reference.slice(slash + 1) };
}
