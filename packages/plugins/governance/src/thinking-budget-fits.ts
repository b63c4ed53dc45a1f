import type { ChatCompletionRequest } from '@tollgate/core';

// Claude takes a thinking budget of at least 1,024 tokens and under `max_tokens`, which counts the
// thinking and the answer together. A limit the gateway sets must hold the budget the client asked for.

/** The least thinking budget Claude takes (provider-utils' `leastClaudeThinkingBudget`: governance depends on core only). */
const leastThinkingBudget = 1_024;

/**
 * A request's budget of thinking tokens: Anthropic's `thinking.budget_tokens` (a chat client's, or one
 * a hook set), else OpenRouter's `reasoning.max_tokens` (how the Messages ingress carries Claude Code's).
 */
function thinkingBudgetOf(request: ChatCompletionRequest): number | undefined {
  const thinking = request.thinking as { type?: unknown; budget_tokens?: unknown } | undefined;
  if (thinking !== undefined && thinking !== null && typeof thinking === 'object') {
    return thinking.type === 'enabled' && typeof thinking.budget_tokens === 'number' ? thinking.budget_tokens : undefined;
  }
  const budget = (request.reasoning as { max_tokens?: unknown } | undefined)?.max_tokens;
  return typeof budget === 'number' ? budget : undefined;
}

/**
 * The thinking setting that keeps a request valid once a clamp lowers its output limit to
 * `outputTokens`: Claude takes a thinking budget of at least 1,024 tokens and under `max_tokens`
 * (Claude Code asks for 31,999 of 32,000), so a budget the clamp reaches becomes half the limit, or
 * thinking is turned off when half is less than 1,024. Undefined when the budget still fits.
 */
export function thinkingWithinClamp(request: ChatCompletionRequest, outputTokens: number): { thinking: { type: 'enabled'; budget_tokens: number } | { type: 'disabled' } } | undefined {
  const budget = thinkingBudgetOf(request);
  if (budget === undefined || budget < outputTokens) return undefined;
  const half = Math.floor(outputTokens / 2);
  return { thinking: half >= leastThinkingBudget ? { type: 'enabled', budget_tokens: half } : { type: 'disabled' } };
}

/**
 * The output limit a budgeted request without one of its own is given: `defaultTokens`, past the
 * request's thinking budget when it has one at least as large (a Claude Code turn through a hook that
 * dropped its limit, a chat client's `reasoning.max_tokens`), so the limit holds the budget.
 */
export function outputLimitPastThinking(request: ChatCompletionRequest, defaultTokens: number): number {
  const budget = thinkingBudgetOf(request);
  return budget !== undefined && budget >= defaultTokens ? budget + defaultTokens : defaultTokens;
}
