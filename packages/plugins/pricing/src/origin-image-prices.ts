import { calcPrice } from '@pydantic/genai-prices';

/**
 * The price per million tokens of the images a model reached through OpenRouter draws, where the
 * table's OpenRouter entry leaves it out: the model's own maker's price (`google/gemini-2.5-flash-image`
 * is Google's `gemini-2.5-flash-image`, $30 a million image tokens against its text's $2.50).
 * OpenRouter bills the maker's prices; without this, an image would be held and charged at the text
 * output price, a twelfth of its cost. Undefined for other price providers, and where the maker's
 * entry has no image output price either.
 */
export function originImageOutputPrice(priceProvider: string, model: string): number | undefined {
  if (priceProvider !== 'openrouter') return undefined;
  const slash = model.indexOf('/');
  if (slash <= 0) return undefined;
  // A variant (`…:free`) is its own price: it keeps its suffix, which no maker's table lists.
  const price = calcPrice({ input_tokens: 0, output_tokens: 0 }, model.slice(slash + 1), { providerId: model.slice(0, slash) })?.model_price as { output_image_mtok?: unknown } | undefined;
  return typeof price?.output_image_mtok === 'number' ? price.output_image_mtok : undefined;
}
