import { expect, it } from 'vitest';
// @ts-expect-error -- the demo is plain JavaScript, run as is by `npm start`.
import { runDemo } from './demo.mjs';

it('runs Claude Code and Codex through one gateway: passthrough to their own vendor, translation across, one hard team budget, personal data redacted in their own requests, tiers charged as billed, compaction, a screenshot in a tool result kept across vendors, a tool loop across vendors when Claude is down, the ledger', async () => {
  const lines: string[] = [];
  const results = await runDemo((line: string) => lines.push(line));
  expect(results).toMatchObject({
    codexNativePath: '/v1/responses',
    codexNativeOutput: ['reasoning', 'message'],
    codexNativeEncrypted: true,
    codexOnClaude: ['reasoning', 'message', 'custom_tool_call'],
    claudeCodeTools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }],
    claudeCodeSearches: 2,
    claudeCodeOnCodexPath: '/v1/responses',
    claudeCodeOnCodexStop: 'tool_use',
    overBudget: 'budget_exceeded',
    redactedToolResult: 'parser/ [EMAIL_1]',
    restOfRequestAsSent: true,
    restoredAnswer: 'The parser belongs to jane.doe@example.com.',
    answerThinkingSigned: true,
    servedTiers: ['priority', 'fast'],
    // 1,000 tokens in and 500 out each: GPT-5 Codex at Priority's $2.50 / $20, Opus 4.6 at 6× $5 / $25.
    costByTier: { priority: 0.0125, fast: 0.105 },
    compactionPath: '/v1/responses/compact',
    compactedOutput: ['message', 'message', 'compaction'],
    // The screenshot in Claude Code's tool result, in a message after the tool's output.
    screenshotInput: ['message', 'function_call', 'function_call_output', 'message (input_text, input_image)'],
    // Claude down mid-loop: the step on GPT-5 Codex, then Claude with thinking off for that step.
    loopAcrossVendors: ['/v1/responses', { type: 'disabled' }, 'The build fails on a missing import in parser.ts.'],
  });
  // Both agents' requests are in the ledger under their own keys (the refused one included).
  expect(Object.values(results.requestsByKey as Record<string, number>).reduce((sum, count) => sum + count, 0)).toBe(12);
  expect(Object.keys(results.requestsByKey as object)).toHaveLength(2);
  // Claude Code's two web searches cost $0.02 on top of its tokens (Claude Sonnet 5, the price table).
  expect((results.costByKey as Record<string, number>)['config:claude-code']).toBeGreaterThan(0.02);
  expect(lines.join('\n')).toContain('Anthropic received tools');
});
