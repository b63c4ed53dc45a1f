import { describe, expect, it } from 'vitest';
import { outputLimitOfRefusal } from './output-limit-of-refusal.js';

describe('outputLimitOfRefusal', () => {
  it("reads OpenAI's, vLLM's and Claude's refusals of an output limit, with the largest each would take", () => {
    expect(outputLimitOfRefusal('max_tokens is too large: 32000. This model supports at most 16384 completion tokens, whereas you provided 32000.')).toBe(16_384);
    expect(outputLimitOfRefusal("This model's maximum context length is 16384 tokens. However, you requested 26000 tokens (10000 in the messages, 16000 in the completion). Please reduce the length of the messages or completion.")).toBe(6_384);
    expect(outputLimitOfRefusal("'max_tokens' or 'max_completion_tokens' is too large: 64000. This model's maximum context length is 64001 tokens and your request has 24235 input tokens (64000 > 64001 - 24235).")).toBe(39_766);
    expect(outputLimitOfRefusal('max_tokens: 64000 > 32000, which is the maximum allowed number of output tokens for claude-opus-4-1-20250805')).toBe(32_000);
    expect(outputLimitOfRefusal('The maximum tokens you requested exceeds the model limit of 4096. Try again with a maximum tokens value that is lower than 4096.')).toBe(4_096);
    expect(outputLimitOfRefusal('Invalid max_tokens value, the valid range of max_tokens is [1, 8192]')).toBe(8_192);
    expect(outputLimitOfRefusal('<400> InternalError.Algo.InvalidParameter: Range of max_tokens should be [1, 32768]')).toBe(32_768);
    expect(outputLimitOfRefusal('The model returned the following errors: input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again')).toBe(11_760);
  });

  it('nothing for a prompt that leaves no room, or another refusal', () => {
    expect(outputLimitOfRefusal("This model's maximum context length is 16384 tokens. However, you requested 122946 tokens (112946 in the messages, 10000 in the completion).")).toBeUndefined();
    expect(outputLimitOfRefusal('prompt is too long: 210000 tokens > 200000 maximum')).toBeUndefined();
    expect(outputLimitOfRefusal("This model's maximum context length is 8192 tokens.")).toBeUndefined();
  });
});
