/**
 * Moderation answers as OpenAI's moderation API documents them (`POST /v1/moderations`): `id`, the
 * `model` that answered (`omni-moderation-latest` resolved to its snapshot), and one result per input
 * text — or one for a list of text and image parts — with each of the thirteen categories flagged or
 * not, its score, and the input types its score applies to.
 */
import { rejectedImageWord } from './images-wire.js';

/** The omni moderation model's categories, with the input types each can be scored on. */
const categoryInputTypes: Readonly<Record<string, readonly ('text' | 'image')[]>> = {
  harassment: ['text'],
  'harassment/threatening': ['text'],
  hate: ['text'],
  'hate/threatening': ['text'],
  illicit: ['text'],
  'illicit/violent': ['text'],
  'self-harm': ['text', 'image'],
  'self-harm/intent': ['text', 'image'],
  'self-harm/instructions': ['text', 'image'],
  sexual: ['text', 'image'],
  'sexual/minors': ['text'],
  violence: ['text', 'image'],
  'violence/graphic': ['text', 'image'],
};

/** The snapshot `omni-moderation-latest` answers as. */
export const omniModerationSnapshot = 'omni-moderation-2024-09-26';

/** One result: `violence` flagged (score 0.93) when a text holds the mock's rejected word, every score low otherwise. */
function resultOf(texts: readonly string[], hasImage: boolean): Record<string, unknown> {
  const violent = texts.some((text) => text.toLowerCase().includes(rejectedImageWord));
  const categories: Record<string, boolean> = {};
  const scores: Record<string, number> = {};
  const applied: Record<string, string[]> = {};
  for (const [category, types] of Object.entries(categoryInputTypes)) {
    categories[category] = violent && category === 'violence';
    scores[category] = violent && category === 'violence' ? 0.93 : 0.0001;
    applied[category] = types.filter((type) => type === 'text' || hasImage);
  }
  return { flagged: violent, categories, category_scores: scores, category_applied_input_types: applied };
}

/** The mock's answer to a moderation request: a status and its JSON body. */
export function moderationAnswer(body: Record<string, any>, id: string): { readonly status: number; readonly body: Record<string, unknown> } {
  const input = body.input;
  if (input === undefined) {
    return { status: 400, body: { error: { message: "Missing required parameter: 'input'.", type: 'invalid_request_error', param: 'input', code: 'missing_required_parameter' } } };
  }
  const model = body.model === undefined || body.model === 'omni-moderation-latest' ? omniModerationSnapshot : String(body.model);
  let results: Record<string, unknown>[];
  if (typeof input === 'string') results = [resultOf([input], false)];
  else if (Array.isArray(input) && input.every((item) => typeof item === 'string')) results = input.map((text: string) => resultOf([text], false));
  else {
    const parts = (Array.isArray(input) ? input : []) as { type?: string; text?: string }[];
    results = [resultOf(parts.filter((part) => part.type === 'text').map((part) => String(part.text)), parts.some((part) => part.type === 'image_url'))];
  }
  return { status: 200, body: { id, model, results } };
}
