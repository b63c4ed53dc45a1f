/** A part of a multimodal moderation input: text, or an image by URL (or data URL). */
export type ModerationInputPart = { readonly type: 'text'; readonly text: string } | { readonly type: 'image_url'; readonly image_url: { readonly url: string } };

/**
 * The canonical moderation request: the body of OpenAI's `POST /v1/moderations` — classify `input` (a
 * text, texts, or text and image parts) against the upstream's content policy.
 */
export interface ModerationRequest {
  /** The moderation model; OpenAI's `omni-moderation-latest` when the client names none. */
  readonly model: string;
  readonly input: string | readonly string[] | readonly ModerationInputPart[];
  readonly [extension: string]: unknown;
}

/** The model a moderation request names none for goes to: OpenAI's default. */
export const defaultModerationModel = 'omni-moderation-latest';

/** The texts of a moderation request's input, whichever way it was given (an image part has none). */
export function moderationTexts(input: ModerationRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  const texts: string[] = [];
  for (const item of input) {
    if (typeof item === 'string') texts.push(item);
    else if (item.type === 'text') texts.push(item.text);
  }
  return texts;
}
