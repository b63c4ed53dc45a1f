import { describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../config/gateway-config.js';
import type { Provider } from '../provider/provider.js';
import type { Pricing } from '../services/pricing.js';
import { ModelRouter } from './model-router.js';
import { targetsThatFit } from './targets-that-fit.js';

const provider = (name: string, priceProvider?: string) => ({ name, priceProvider }) as unknown as Provider;

/** A price table that knows the context window of the hosted models only. */
const pricing = { prices: () => undefined, contextWindow: ({ model }: { model: string }) => ({ 'gpt-4o': 128_000, 'claude-sonnet-4-5': 200_000 })[model] } as unknown as Pricing;

function targetsOf(group: string) {
  const config = gatewayConfigSchema.parse({
    models: {
      mixed: { targets: [{ target: 'local/qwen3-32k', contextLength: 32_768 }, 'openai/gpt-4o', 'anthropic/claude-sonnet-4-5'] },
      // The config's window wins over the table's.
      capped: { targets: [{ target: 'openai/gpt-4o', contextLength: 16_000 }, 'anthropic/claude-sonnet-4-5'] },
    },
  });
  const providers = new Map([provider('local'), provider('openai', 'openai'), provider('anthropic', 'anthropic')].map((entry) => [entry.name, entry]));
  return new ModelRouter(config.models, providers, config.routing, () => 0.99, pricing).resolve(group)!.targets;
}

/** A chat request of about `tokens` tokens by the bytes ÷ 4 estimate. */
const chat = (tokens: number, extra: object = {}) => ({ model: 'x', messages: [{ role: 'user' as const, content: 'abcd'.repeat(tokens) }], ...extra });
const ids = (targets: readonly { id: string }[]) => targets.map((target) => target.id);

describe('targetsThatFit', () => {
  it('takes each deployment\'s window from its config, else the price table', () => {
    expect(targetsOf('mixed').map((target) => target.contextLength)).toEqual([32_768, 128_000, 200_000]);
    expect(targetsOf('capped').map((target) => target.contextLength)).toEqual([16_000, 200_000]);
  });

  it('keeps the group as it is for a request that fits its smallest window, and leaves out those a longer one cannot fit, its output limit counted', () => {
    const targets = targetsOf('mixed');
    expect(targetsThatFit(targets, chat(1_000), 'chat')).toBe(targets);
    expect(ids(targetsThatFit(targets, chat(40_000), 'chat'))).toEqual(['openai/gpt-4o', 'anthropic/claude-sonnet-4-5']);
    expect(ids(targetsThatFit(targets, chat(20_000, { max_tokens: 16_000 }), 'chat'))).toEqual(['openai/gpt-4o', 'anthropic/claude-sonnet-4-5']);
    expect(ids(targetsThatFit(targets, chat(20_000, { max_completion_tokens: 110_000 }), 'chat'))).toEqual(['anthropic/claude-sonnet-4-5']);
  });

  it('keeps every target when none fits, and for other operations', () => {
    const targets = targetsOf('mixed');
    expect(targetsThatFit(targets, chat(300_000), 'chat')).toBe(targets);
    expect(targetsThatFit(targets, { model: 'x', input: 'abcd'.repeat(40_000) }, 'embeddings')).toBe(targets);
  });
});
