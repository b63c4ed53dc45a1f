/** The least thinking budget Claude takes (`thinking.budget_tokens`, on Anthropic's API and Bedrock). */
export const leastClaudeThinkingBudget = 1_024;

/**
 * A thinking budget as Claude takes it under an output limit: at least {@link leastClaudeThinkingBudget}
 * (a smaller one raised to it, as OpenRouter does) and under `max_tokens` — half the limit when the limit
 * does not hold the budget; undefined when half is under the least (no budget fits: thinking off).
 */
export function claudeThinkingBudgetWithin(budget: number, limit: number | undefined): number | undefined {
  const raised = Math.max(budget, leastClaudeThinkingBudget);
  if (limit === undefined || raised < limit) return raised;
  const half = Math.floor(limit / 2);
  return half >= leastClaudeThinkingBudget ? half : undefined;
}
