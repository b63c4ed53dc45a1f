import type { ModelPrices } from '@tollgate/core';

/**
 * OpenAI's text-to-speech models billed by the character, which the price table leaves out: USD per
 * million characters read, by OpenAI's pricing page (`tts-1` $15, `tts-1-hd` $30), their snapshots alike.
 */
const openAICharacterPrices: ReadonlyMap<string, ModelPrices> = new Map([
  ['tts-1', { input: 0, output: 0, character: 15 }],
  ['tts-1-1106', { input: 0, output: 0, character: 15 }],
  ['tts-1-hd', { input: 0, output: 0, character: 30 }],
  ['tts-1-hd-1106', { input: 0, output: 0, character: 30 }],
]);

/** The prices of a model billed by the character that the table lacks; undefined for any other. */
export function characterPrices(priceProvider: string | undefined, model: string): ModelPrices | undefined {
  return priceProvider === 'openai' ? openAICharacterPrices.get(model) : undefined;
}
