import { describe, expect, it } from 'vitest';
import { GatewayError, RequestContext, type ChatCompletionRequest, type Principal } from '@tollgate/core';
import { governanceOptionsSchema } from './governance-options.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import { createRateLimitHooks } from './rate-limit-hooks.js';

/** Admits one request of `principal` to `model`: 'ok', or the refusal's message. */
function admitter(rateLimits: unknown[]) {
  const hooks = createRateLimitHooks(new MemoryRateLimitStore(() => Date.UTC(2026, 0, 1)), governanceOptionsSchema.parse({ rateLimits }));
  return async (principal: Principal, model: string): Promise<string> => {
    const context = new RequestContext({ requestId: `r-${Math.random()}`, operation: 'chat', ingress: 'openai', request: { model, messages: [] } as unknown as ChatCompletionRequest });
    context.principal = principal;
    try {
      await hooks.acquire(context.asGatewayContext());
      return 'ok';
    } catch (error) {
      return GatewayError.isInstance(error) ? error.message : String(error);
    }
  };
}

const agent: Principal = { keyId: 'key_agent', keyName: 'agent', isMaster: false, teamId: 'search' };
const other: Principal = { keyId: 'key_other', keyName: 'other', isMaster: false, teamId: 'search' };

describe('rate-limit hooks', () => {
  it('keep each model\'s limit to that model, and each key\'s to that key, for the same principal object over many requests', async () => {
    const admit = admitter([{ scope: 'model', id: 'model-a', rpm: 1 }, { scope: 'key', rpm: 3 }]);
    expect(await admit(agent, 'model-a')).toBe('ok');
    expect(await admit(agent, 'model-a')).toMatch(/^The model "model-a" is limited to 1 requests per minute/);
    expect(await admit(agent, 'model-b')).toBe('ok'); // the same principal, another model: not model-a's limit
    expect(await admit(other, 'model-b')).toBe('ok'); // another key: its own count
    expect(await admit(agent, 'model-b')).toBe('ok'); // agent's third admitted request
    expect(await admit(agent, 'model-b')).toMatch(/^The key "key_agent" is limited to 3 requests per minute/);
  });

  it('apply a key\'s own limits, which a new principal of the key (a changed record) brings along', async () => {
    const admit = admitter([]);
    const limited: Principal = { ...agent, rateLimits: { rpm: 1 } };
    expect(await admit(limited, 'model-a')).toBe('ok');
    expect(await admit(limited, 'model-a')).toMatch(/limited to 1 requests per minute/);
    // The key's record changed (limit lifted): virtual-key auth hands out a new principal.
    expect(await admit({ ...agent }, 'model-a')).toBe('ok');
  });
});
