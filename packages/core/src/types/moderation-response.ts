/**
 * OpenAI's moderation answer: one result per input text (one for a multimodal input), each with
 * whether it is `flagged`, and per category whether it is flagged, its score and the input types the
 * score applies to.
 */
export interface ModerationResponse {
  readonly id: string;
  readonly model: string;
  readonly results: readonly {
    readonly flagged: boolean;
    readonly categories: Readonly<Record<string, boolean>>;
    readonly category_scores: Readonly<Record<string, number>>;
    readonly category_applied_input_types?: Readonly<Record<string, readonly string[]>>;
  }[];
  readonly [extension: string]: unknown;
}
