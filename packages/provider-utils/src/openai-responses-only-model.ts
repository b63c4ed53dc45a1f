/**
 * Whether a model is one OpenAI serves through the Responses API only — the Codex models
 * (`gpt-5-codex`, `gpt-5.1-codex-max`, `codex-mini-latest`), the `-pro` reasoning models (`o1-pro`,
 * `o3-pro`, `gpt-5-pro`) and the deep-research ones — which refuse chat completions.
 */
export function isOpenAIResponsesOnlyModel(model: string): boolean {
  return /codex|^o\d+-pro|^gpt-5(?:\.\d+)?-pro|deep-research/.test(model);
}
