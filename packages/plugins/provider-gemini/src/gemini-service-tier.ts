/**
 * The tier Gemini says it served a request at (its `x-gemini-service-tier` header: `standard`,
 * `flex`, `priority`), named as OpenAI names tiers: `standard` is `default`. A priority request past
 * its limit is served at standard, and says so. Undefined when the header is absent.
 */
export function servedServiceTier(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const tier = headers['x-gemini-service-tier'];
  if (typeof tier !== 'string' || tier === '') return undefined;
  const name = tier.toLowerCase();
  return name === 'standard' ? 'default' : name;
}
