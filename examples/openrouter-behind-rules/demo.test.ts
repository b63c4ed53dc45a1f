import { expect, it } from 'vitest';
// @ts-expect-error -- the demo is plain JavaScript, run as is by `npm start`.
import { runDemo } from './demo.mjs';

it('runs the composition: self-hosted first, OpenRouter as fallback, PII redacted, models and budgets enforced, a client\'s own fallbacks, Claude Code\'s cache marks kept, spend recorded', async () => {
  const lines: string[] = [];
  const results = await runDemo((line: string) => lines.push(line));
  expect(results).toMatchObject({
    firstProvider: 'gpu-box',
    fallbackProvider: 'openrouter',
    fallbackAttempts: 2,
    upstreamSaw: 'Reply to [EMAIL_1] about the invoice.',
    notAllowed: 'model_not_allowed',
    overBudget: 'budget_exceeded',
    // OpenRouter's `models`, taken by the gateway: both llama-70b targets failed, then gpt-4o answered.
    clientFallbackModel: 'openai/gpt-4o',
    clientFallbackAttempts: 3,
    upstreamsSawModels: false,
    // Claude Code's two cache marks, carried to OpenRouter's chat completions.
    claudeCodeStatus: 200,
    marksAtOpenRouter: 2,
  });
  // OpenRouter's reported cost (the mock's $1/M prompt + $2/M completion) and the vLLM server's priced cost.
  expect(results.spendByProvider.openrouter).toBeGreaterThan(0);
  expect(results.spendByProvider['gpu-box']).toBeGreaterThan(0);
  expect(lines.join('\n')).toContain('answered by openrouter after 2 attempts');
});
