import { openAIError } from './openai-wire.js';

/** How OpenAI's API refuses a request: its status and error body. */
export interface OpenAIRefusal {
  readonly status: number;
  readonly body: ReturnType<typeof openAIError>;
}

/** What one of OpenAI's models takes: its efforts (none for a model that does not reason), whether it samples at effort `none`, and whether it takes `stop`. */
interface ModelSettings {
  readonly efforts: readonly string[];
  readonly defaultEffort?: string;
  readonly samplesAtNone?: boolean;
  readonly stop: boolean;
}

/** OpenAI's models by name, as their pages describe them; undefined for a model OpenAI does not serve. */
function settingsOf(model: string): ModelSettings | undefined {
  const name = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  if (/^(?:gpt-4|gpt-3\.5|chatgpt-|gpt-5-chat|o1-mini|o1-preview)/.test(name)) return { efforts: [], stop: true };
  if (/^(?:o\d|codex-)/.test(name)) return { efforts: ['low', 'medium', 'high'], stop: false };
  const match = /^gpt-5(?:\.(\d+))?(.*)$/.exec(name);
  if (match === null) return undefined;
  const minor = Number(match[1] ?? 0);
  const variant = match[2]!;
  const stop = minor >= 5;
  if (variant.startsWith('-chat')) return { efforts: ['medium'], stop };
  if (variant.startsWith('-pro')) return { efforts: minor === 0 ? ['high'] : ['medium', 'high', 'xhigh'], stop };
  if (variant.includes('codex')) return { efforts: minor >= 2 || variant.includes('max') ? ['low', 'medium', 'high', 'xhigh'] : ['low', 'medium', 'high'], stop };
  if (minor === 0) return { efforts: ['minimal', 'low', 'medium', 'high'], stop: false };
  return { efforts: minor === 1 ? ['none', 'low', 'medium', 'high'] : ['none', 'low', 'medium', 'high', 'xhigh'], defaultEffort: 'none', samplesAtNone: true, stop };
}

const refused = (message: string, code: string, param: string): OpenAIRefusal => ({ status: 400, body: openAIError(message, 'invalid_request_error', code, param) });

/** `values` as OpenAI lists them: `'a', 'b', and 'c'`. */
function listed(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  return quoted.length < 3 ? quoted.join(' and ') : `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

/**
 * OpenAI's refusal of a chat request's reasoning and sampling settings its model does not take: an
 * effort the model does not define (`Unsupported value: 'reasoning_effort' does not support 'minimal'
 * with this model. Supported values are: …`), any effort for a model that does not reason; on a
 * reasoning model, a temperature or `top_p` but the default 1 (`… Only the default (1) value is
 * supported.`), a penalty, `logit_bias` and logprobs (unless the model samples at effort `none` and
 * is at it), and `stop` before GPT-5.5; and, for every model, more than four stop sequences. Undefined
 * when the model takes the request.
 */
export function openAIChatRefusal(body: Record<string, unknown>): OpenAIRefusal | undefined {
  if (Array.isArray(body.stop) && body.stop.length > 4) return refused(`Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length ${body.stop.length} instead.`, 'array_above_max_length', 'stop');
  const settings = settingsOf(String(body.model));
  if (settings === undefined) return undefined;
  const effort = body.reasoning_effort;
  if (effort != null) {
    if (settings.efforts.length === 0) return refused("Unsupported parameter: 'reasoning_effort' is not supported with this model.", 'unsupported_parameter', 'reasoning_effort');
    if (!settings.efforts.includes(String(effort))) return refused(`Unsupported value: 'reasoning_effort' does not support '${String(effort)}' with this model. Supported values are: ${listed(settings.efforts)}.`, 'unsupported_value', 'reasoning_effort');
  }
  if (settings.efforts.length === 0) return undefined;
  const samples = settings.samplesAtNone === true && (effort ?? settings.defaultEffort) === 'none';
  for (const [field, only] of [['temperature', 1], ['top_p', 1]] as const) {
    if (!samples && body[field] != null && body[field] !== only) return refused(`Unsupported value: '${field}' does not support ${String(body[field])} with this model. Only the default (${only}) value is supported.`, 'unsupported_value', field);
  }
  // A setting at its default (no penalty, no logprobs) is taken.
  const atDefault: Record<string, unknown> = { presence_penalty: 0, frequency_penalty: 0, logprobs: false };
  const unsupported = [...(samples ? [] : ['logprobs', 'top_logprobs']), 'presence_penalty', 'frequency_penalty', 'logit_bias', ...(settings.stop ? [] : ['stop'])].find((field) => body[field] != null && body[field] !== atDefault[field]);
  return unsupported === undefined ? undefined : refused(`Unsupported parameter: '${unsupported}' is not supported with this model.`, 'unsupported_parameter', unsupported);
}

/** As {@link openAIChatRefusal}, for a Responses API request (`reasoning.effort`, `temperature`, `top_p`). */
export function openAIResponsesRefusal(body: Record<string, unknown>): OpenAIRefusal | undefined {
  const reasoning = body.reasoning as { effort?: unknown } | undefined;
  return openAIChatRefusal({ model: body.model, reasoning_effort: reasoning?.effort, temperature: body.temperature, top_p: body.top_p, top_logprobs: body.top_logprobs });
}
