import type { ChatCompletionRequest } from '@tollgate/core';
import { askedReasoning } from './asked-reasoning.js';
import { effortOrder, type OpenAIEffort, type OpenAIReasoningParams } from './openai-reasoning-params.js';
import { stopSequencesOf } from './stop-sequences.js';

/** A chat request as one of OpenAI's reasoning models takes it, and what was taken out of it. */
export interface FittedReasoningRequest {
  /** The request itself when nothing had to change. */
  readonly request: ChatCompletionRequest;
  /** The fields left out, for the log. */
  readonly dropped: readonly string[];
  /** The client's stop sequences, which the model does not take: the gateway cuts the answer at them. */
  readonly stops: readonly string[];
}

/** Sampling settings a reasoning model takes only when it does not reason (GPT-5.1 and later at `none`). */
const samplingWhenNotReasoning = ['temperature', 'top_p', 'logprobs', 'top_logprobs'] as const;
/** The most stop sequences OpenAI's API takes (`Invalid 'stop': array too long. Expected an array with maximum length 4`). */
const mostStopSequences = 4;

/** Sampling settings no reasoning model takes. */
const samplingNever = ['presence_penalty', 'frequency_penalty', 'logit_bias'] as const;

/** Of `efforts`, the one nearest `wanted` (the greater of two as near). */
export function nearestEffort(wanted: OpenAIEffort, efforts: readonly OpenAIEffort[]): OpenAIEffort | undefined {
  const rank = effortOrder.indexOf(wanted);
  let nearest: OpenAIEffort | undefined;
  let distance = Infinity;
  for (const effort of efforts) {
    const away = Math.abs(effortOrder.indexOf(effort) - rank);
    if (away < distance || (away === distance && effortOrder.indexOf(effort) > rank)) [nearest, distance] = [effort, away];
  }
  return nearest;
}

/** The effort a request asks for: its own `reasoning_effort` first, else OpenRouter's or Anthropic's setting (turned off: `none`). */
function wantedEffort(request: ChatCompletionRequest): OpenAIEffort | undefined {
  const own = request.reasoning_effort;
  if (own != null && (effortOrder as readonly string[]).includes(own)) return own;
  const asked = askedReasoning(request);
  return asked?.off === true ? 'none' : asked?.effort;
}

/**
 * `request` fitted to a reasoning model of OpenAI's (`params`): the effort asked for — in whichever
 * client's terms — sent as the nearest `reasoning_effort` the model takes (OpenRouter's `reasoning`
 * and Anthropic's `thinking` left out either way), and the settings it refuses left out: the penalties and
 * `logit_bias`, and `temperature`, `top_p` and logprobs unless it is not reasoning and samples then,
 * and `stop` where it takes none (returned for the gateway to apply), or its first four where there are
 * more than OpenAI takes (all of them returned to apply). A client's unknown effort is left as sent,
 * for the upstream to name.
 */
export function fitToOpenAIReasoningModel(request: ChatCompletionRequest, params: OpenAIReasoningParams): FittedReasoningRequest {
  const wanted = wantedEffort(request);
  const effort = wanted === undefined ? undefined : nearestEffort(wanted, params.efforts);
  const reasons = (effort ?? params.defaultEffort) !== 'none';
  const fields = request as unknown as Record<string, unknown>;
  const dropped: string[] = [];
  if (params.sampling !== 'all') for (const field of samplingNever) if (fields[field] != null) dropped.push(field);
  if (params.sampling === 'none' || (params.sampling === 'when not reasoning' && reasons)) for (const field of samplingWhenNotReasoning) if (fields[field] != null) dropped.push(field);
  // Stop sequences the model refuses, or more than OpenAI takes (the first four still sent): applied by the gateway.
  const sequences = stopSequencesOf(request.stop);
  const tooMany = params.takesStop && sequences.length > mostStopSequences;
  const stops = !params.takesStop || tooMany ? sequences : [];
  if (request.stop != null && !params.takesStop) dropped.push('stop');
  // OpenRouter's and Anthropic's settings are no OpenAI field: their effort, if any, is now `reasoning_effort`.
  const reasoningFields = (['reasoning', 'thinking'] as const).filter((field) => fields[field] !== undefined);
  const effortChanges = wanted !== undefined && effort !== request.reasoning_effort;
  if (dropped.length === 0 && reasoningFields.length === 0 && !effortChanges && !tooMany) return { request, dropped, stops };
  const fitted: Record<string, unknown> = { ...request };
  for (const field of [...dropped, ...reasoningFields]) delete fitted[field];
  if (tooMany) fitted.stop = sequences.slice(0, mostStopSequences);
  if (effort === undefined) delete fitted.reasoning_effort;
  else fitted.reasoning_effort = effort;
  if (wanted !== undefined && effort === undefined) dropped.push('reasoning_effort');
  return { request: fitted as unknown as ChatCompletionRequest, dropped, stops };
}
