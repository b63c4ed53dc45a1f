import type { FinishReason } from '@tollgate/core';
import { mapAnthropicStopReason } from '@tollgate/provider-utils';

/**
 * Converse's `stopReason` as OpenAI's `finish_reason`: Claude's words (Converse's are Anthropic's),
 * and its own guardrail and content filter as `content_filter`.
 */
export function mapBedrockStopReason(stopReason: string | undefined): FinishReason | null {
  return stopReason === 'guardrail_intervened' || stopReason === 'content_filtered' ? 'content_filter' : mapAnthropicStopReason(stopReason);
}
