import { mapEach } from '../map-text-content.js';

/**
 * Maps the texts of a legacy completions request — its prompt (or each of its prompts) and `suffix` —
 * and nothing else. The same body when no text changed.
 */
export function mapCompletionsTexts(body: unknown, map: (text: string) => string): unknown {
  const request = body as { readonly prompt?: unknown; readonly suffix?: unknown };
  const mapText = (item: unknown) => (typeof item === 'string' ? map(item) : item);
  const prompt = Array.isArray(request.prompt) ? mapEach(request.prompt as unknown[], mapText) : mapText(request.prompt);
  const suffix = mapText(request.suffix);
  return prompt === request.prompt && suffix === request.suffix ? body : { ...request, prompt, suffix };
}
