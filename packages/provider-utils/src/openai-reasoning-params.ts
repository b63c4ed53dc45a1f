/** A `reasoning_effort` value OpenAI defines, least first in {@link effortOrder}. */
export type OpenAIEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/** Every effort, least reasoning first. */
export const effortOrder: readonly OpenAIEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

/**
 * What one of OpenAI's models takes of a chat request's reasoning and sampling settings
 * (OpenAI's API refuses the rest with a 400: `Unsupported value: 'reasoning_effort' does not support
 * 'minimal' with this model`, `… 'temperature' does not support 0.2 …`, `Unsupported parameter: 'stop'`).
 */
export interface OpenAIReasoningParams {
  /** The efforts it takes, least first; none for a model that takes no `reasoning_effort` (o1-mini). */
  readonly efforts: readonly OpenAIEffort[];
  /** The effort it reasons at when a request sets none. */
  readonly defaultEffort: OpenAIEffort;
  /**
   * The sampling settings it takes: all (a model that does not reason); `temperature`, `top_p` and
   * logprobs when it does not reason (effort `none`: GPT-5.1 and later), the penalties and `logit_bias`
   * never; or none.
   */
  readonly sampling: 'all' | 'when not reasoning' | 'none';
  /** It takes stop sequences (`stop`: GPT-5.5 and later). */
  readonly takesStop: boolean;
}

/** A model that does not reason (GPT-4o, `gpt-5-chat-latest`): no effort, every sampling setting and stop sequences. */
export const notReasoning: OpenAIReasoningParams = { efforts: [], defaultEffort: 'none', sampling: 'all', takesStop: true };

const oSeries: OpenAIReasoningParams = { efforts: ['low', 'medium', 'high'], defaultEffort: 'medium', sampling: 'none', takesStop: false };

/** A model's name without a snapshot date (`gpt-5-2025-08-07` → `gpt-5`). */
function withoutSnapshotDate(model: string): string {
  return model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
}

/**
 * What `model` — one of OpenAI's, or an Azure deployment named after one — takes of the reasoning and
 * sampling settings, by OpenAI's model pages: o1, o3, o4-mini and the Codex models an effort of `low` to
 * `high` (`xhigh` from GPT-5.1 Codex Max), GPT-5 `minimal` to `high`, GPT-5.1 `none` to `high` and
 * GPT-5.2 and later `none` to `xhigh` (GPT-5.1 and later sample as asked at `none`, their default),
 * GPT-5 Pro `high` only, the later Pro models `medium` to `xhigh`, the GPT-5.1 and later chat models
 * `medium` only; GPT-5.5 and later take stop sequences. A model that does not reason (GPT-4o,
 * `gpt-5-chat-latest`) takes every setting but an effort ({@link notReasoning}). Undefined for a model
 * this does not know (another server's, a newer family): its request goes as sent.
 */
export function openAIReasoningParams(model: string): OpenAIReasoningParams | undefined {
  const name = withoutSnapshotDate(model);
  if (/^(?:gpt-4|gpt-3\.5|chatgpt-|gpt-5-chat)/.test(name)) return notReasoning;
  if (/^o1-(?:mini|preview)/.test(name)) return { ...oSeries, efforts: [] };
  if (/^(?:o\d|codex-)/.test(name)) return oSeries;
  const gpt5 = /^gpt-5(?:\.(\d+))?(.*)$/.exec(name);
  if (gpt5 === null) return undefined;
  const minor = gpt5[1] === undefined ? 0 : Number(gpt5[1]);
  const variant = gpt5[2]!;
  const takesStop = minor >= 5;
  if (variant.startsWith('-chat')) return { efforts: ['medium'], defaultEffort: 'medium', sampling: 'none', takesStop };
  if (variant.startsWith('-pro')) return minor === 0 ? { efforts: ['high'], defaultEffort: 'high', sampling: 'none', takesStop } : { efforts: ['medium', 'high', 'xhigh'], defaultEffort: 'medium', sampling: 'none', takesStop };
  if (variant.includes('codex')) {
    const xhigh = minor >= 2 || variant.includes('max');
    return { efforts: xhigh ? ['low', 'medium', 'high', 'xhigh'] : ['low', 'medium', 'high'], defaultEffort: 'medium', sampling: 'none', takesStop };
  }
  if (minor === 0) return { efforts: ['minimal', 'low', 'medium', 'high'], defaultEffort: 'medium', sampling: 'none', takesStop: false };
  if (minor === 1) return { efforts: ['none', 'low', 'medium', 'high'], defaultEffort: 'none', sampling: 'when not reasoning', takesStop: false };
  return { efforts: ['none', 'low', 'medium', 'high', 'xhigh'], defaultEffort: 'none', sampling: 'when not reasoning', takesStop };
}

/** The reasoning settings of a deployment said to reason but not named after a model: what every reasoning model takes. */
export const anyOpenAIReasoningParams: OpenAIReasoningParams = oSeries;
