/**
 * Whether a model (or an Azure deployment named after one) is one of OpenAI's reasoning models — o1,
 * o3, o4-mini, the GPT-5 family, codex-… — which take `max_completion_tokens` and refuse `max_tokens`.
 */
export function isOpenAIReasoningModel(model: string): boolean {
  return /^(?:o\d|gpt-5|codex-)/.test(model);
}
