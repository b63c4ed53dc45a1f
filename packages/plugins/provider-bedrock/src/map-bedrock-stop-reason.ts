import type { FinishReason } from '@tollgate/core';

/** Converse's `stopReason` as OpenAI's `finish_reason`. */
export function mapBedrockStopReason(stopReason: string | undefined): FinishReason | null {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    case undefined:
      return null;
    default:
      return 'stop';
  }
}
