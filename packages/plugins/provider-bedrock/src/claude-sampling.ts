import type { ChatCompletionRequest } from '@tollgate/core';

/** A Claude model's version in its Bedrock id (`anthropic.claude-sonnet-4-5-20250929-v1:0` → 4.5; 3.x ids name it first). */
function claudeVersion(model: string): { major: number; minor: number } | undefined {
  const match = /claude-(?:opus|sonnet|haiku)-(\d+)(?:-(\d)(?!\d))?/.exec(model);
  return match === null ? undefined : { major: Number(match[1]), minor: Number(match[2] ?? 0) };
}

/** Claude from Opus 4.1, Sonnet 4.5 and Haiku 4.5 on: `temperature` and `top_p` refused together ("cannot both be specified for this model"). */
function refusesTemperatureWithTopP(model: string): boolean {
  const version = claudeVersion(model);
  return version !== undefined && (version.major > 4 || (version.major === 4 && version.minor >= 1));
}

/**
 * A request's `temperature` and `top_p` as Claude on Bedrock takes them (Converse's `inferenceConfig`):
 * with thinking on, a temperature only of 1 and a `top_p` only from 0.95 (Claude refuses others: "`temperature`
 * may only be set to 1 when thinking is enabled"); from Opus 4.1 and Sonnet 4.5 on, not both — the
 * temperature kept. Another model's as sent.
 */
export function claudeSampling(request: ChatCompletionRequest, model: string, thinking: boolean): { temperature?: number; topP?: number } {
  let temperature = request.temperature ?? undefined;
  let topP = request.top_p ?? undefined;
  if (!/(^|\.)anthropic\./.test(model)) return { temperature, topP };
  if (thinking && temperature !== undefined && temperature !== 1) temperature = undefined;
  if (thinking && topP !== undefined && topP < 0.95) topP = undefined;
  if (temperature !== undefined && topP !== undefined && refusesTemperatureWithTopP(model)) topP = undefined;
  return { temperature, topP };
}
