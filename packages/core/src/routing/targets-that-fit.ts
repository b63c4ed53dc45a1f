import { approximateTextTokens, countPromptTokens } from '../engine/count-prompt-tokens.js';
import type { RouteTarget } from '../provider/route-target.js';
import type { ChatCompletionRequest } from '../types/chat-completion-request.js';
import type { ModelRequest } from '../types/model-request.js';
import type { Operation } from '../types/operation.js';

/**
 * The targets a chat request fits: those whose context window, when known, holds its prompt (its
 * bytes ÷ 4) and its output limit — so a group of a small self-hosted model and a large hosted one
 * sends a long conversation straight to the large one, as LiteLLM's pre-call checks and OpenRouter's
 * routing do, rather than have the small one refuse it. The targets as they are when none has a known
 * window or the request fits the smallest, and when it fits none (the upstream then answers, and a
 * `contextWindow` fallback may take the request).
 */
export function targetsThatFit(targets: readonly RouteTarget[], request: ModelRequest, operation: Operation): readonly RouteTarget[] {
  if (operation !== 'chat') return targets;
  let smallest = Infinity;
  for (const target of targets) if (target.contextLength !== undefined && target.contextLength < smallest) smallest = target.contextLength;
  if (smallest === Infinity) return targets;
  const chat = request as ChatCompletionRequest;
  const tokens = countPromptTokens(chat, operation, approximateTextTokens) + (chat.max_completion_tokens ?? chat.max_tokens ?? 0);
  if (tokens <= smallest) return targets;
  const fitting = targets.filter((target) => target.contextLength === undefined || tokens <= target.contextLength);
  return fitting.length === 0 ? targets : fitting;
}
