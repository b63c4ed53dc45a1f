/**
 * Whether OpenAI's own API serves a model (or an Azure deployment named after one) at the legacy
 * `/completions`: its instruct and base models (`gpt-3.5-turbo-instruct`, Azure's
 * `gpt-35-turbo-instruct`, `davinci-002`, `babbage-002`), and fine-tunes of them. Its chat models
 * refuse that endpoint.
 */
export function isOpenAICompletionsModel(model: string): boolean {
  return /^(?:ft:)?(?:gpt-3\.?5-turbo-instruct|davinci-002|babbage-002)/.test(model);
}
