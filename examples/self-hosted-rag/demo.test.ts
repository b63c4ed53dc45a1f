import { expect, it } from 'vitest';
// @ts-expect-error -- the demo is plain JavaScript, run as is by `npm start`.
import { runDemo } from './demo.mjs';

it('runs the composition: embed, rerank and answer on the GPU server with each step\'s cost, Claude on an overload, tab completion as sent, a stream\'s cost looked up, a trial customer capped, spend by tag', async () => {
  const lines: string[] = [];
  const results = await runDemo((line: string) => lines.push(line));
  expect(results).toMatchObject({
    vectors: 5,
    bestPassages: [0, 2],
    answeredBy: 'gpu-box',
    gpuPaths: ['/v1/embeddings', '/v1/rerank', '/v1/chat/completions'],
    fallbackProvider: 'anthropic',
    fallbackAttempts: 2,
    completionPath: '/v1/completions',
    suffixSent: '\n    return router',
    completionObject: 'text_completion',
  });
  // Every step priced (the header on each whole answer): the embeddings round to $0 at $0.01 per million tokens.
  expect(results.stepCosts).toHaveLength(3);
  for (const cost of results.stepCosts) expect(Number.isFinite(cost)).toBe(true);
  expect(results.stepCosts[2]).toBeGreaterThan(results.stepCosts[1]);
  // The stream's cost, from GET /v1/generation: the mock's default usage at the GPU's prices.
  expect(results.streamCost).toBeGreaterThan(0);
  expect(results.streamTokens[0]).toBeGreaterThan(0);
  // The trial customer's unbounded request is refused before any call; a bounded one is answered.
  expect(results.trialRefused).toEqual({ status: 429, code: 'budget_exceeded' });
  expect(results.trialBoundedCost).toBeGreaterThan(0);
  expect(lines.join('\n')).toContain('The tag budget of "customer:trial" ($0.0100 monthly)');
  // Each request counted in its key's project tag and in the customer's the bot added.
  expect(results.spendByTag['project:support-bot'].requests).toBe(7);
  expect(results.spendByTag['customer:acme'].requests).toBe(4);
  expect(results.spendByTag['customer:trial'].requests).toBe(2);
  expect(results.spendByTag['customer:globex'].requests).toBe(1);
  expect(results.spendByTag['project:autocomplete'].requests).toBe(1);
  for (const tag of ['project:support-bot', 'customer:acme', 'customer:globex', 'project:autocomplete']) expect(results.spendByTag[tag].cost_usd).toBeGreaterThan(0);
  expect(lines.join('\n')).toContain('answered by anthropic after 2 attempts');
});
