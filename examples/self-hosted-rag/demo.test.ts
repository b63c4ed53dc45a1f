import { expect, it } from 'vitest';
// @ts-expect-error -- the demo is plain JavaScript, run as is by `npm start`.
import { runDemo } from './demo.mjs';

it('runs the composition: embed, rerank and answer on the GPU server, Claude on an overload, tab completion as sent, spend by tag', async () => {
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
  // Each request counted in its key's project tag and in the customer's the bot added.
  expect(results.spendByTag['project:support-bot'].requests).toBe(4);
  expect(results.spendByTag['customer:acme'].requests).toBe(3);
  expect(results.spendByTag['customer:globex'].requests).toBe(1);
  expect(results.spendByTag['project:autocomplete'].requests).toBe(1);
  for (const tag of ['project:support-bot', 'customer:acme', 'customer:globex', 'project:autocomplete']) expect(results.spendByTag[tag].cost_usd).toBeGreaterThan(0);
  expect(lines.join('\n')).toContain('answered by anthropic after 2 attempts');
});
