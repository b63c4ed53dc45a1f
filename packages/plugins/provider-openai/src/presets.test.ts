import { describe, expect, it } from 'vitest';
import { openAIProviderOptionsSchema } from './openai-provider-options.js';

const parse = (input: Record<string, unknown>) => openAIProviderOptionsSchema.safeParse(input);

describe('OpenAI-compatible presets', () => {
  it('set the base URL and the price-table id, explicit values winning', () => {
    const groq = parse({ preset: 'groq', apiKey: 'gsk-test' });
    expect(groq.success && { baseURL: groq.data.baseURL, priceProvider: groq.data.priceProvider }).toEqual({ baseURL: 'https://api.groq.com/openai/v1', priceProvider: 'groq' });
    const local = parse({ preset: 'ollama', baseURL: 'http://10.0.0.9:11434/v1' });
    expect(local.success && { baseURL: local.data.baseURL, priceProvider: local.data.priceProvider }).toEqual({ baseURL: 'http://10.0.0.9:11434/v1', priceProvider: undefined });
    const plain = parse({ apiKey: 'sk-test' });
    expect(plain.success && plain.data.baseURL).toBe('https://api.openai.com/v1');
  });

  it('say which services generate images, explicit values winning', () => {
    const imagesAPI = (input: Record<string, unknown>) => {
      const parsed = parse(input);
      return parsed.success ? parsed.data.imagesAPI : 'invalid';
    };
    expect(imagesAPI({ preset: 'together', apiKey: 'tg-test' })).toBe(true);
    expect(imagesAPI({ preset: 'xai', apiKey: 'xai-test' })).toBe(true);
    expect(imagesAPI({ preset: 'groq', apiKey: 'gsk-test' })).toBeUndefined();
    expect(imagesAPI({ preset: 'vllm', imagesAPI: true })).toBe(true);
    expect(imagesAPI({ preset: 'xai', apiKey: 'xai-test', imagesAPI: false })).toBe(false);
  });

  it('say which services transcribe audio', () => {
    const groq = parse({ preset: 'groq', apiKey: 'gsk-test' });
    expect(groq.success && groq.data.transcriptionsAPI).toBe(true);
    const vllm = parse({ preset: 'vllm' });
    expect(vllm.success && vllm.data.transcriptionsAPI).toBeUndefined();
  });

  it('require a key for hosted services, not for local servers, and refuse unknown presets', () => {
    expect(parse({ preset: 'mistral' }).error?.issues[0]).toMatchObject({ path: ['apiKey'] });
    expect(parse({ preset: 'vllm' }).success).toBe(true);
    expect(parse({ preset: 'nope', apiKey: 'x' }).success).toBe(false);
    expect(parse({}).error?.issues[0]).toMatchObject({ path: ['apiKey'] });
  });
});
