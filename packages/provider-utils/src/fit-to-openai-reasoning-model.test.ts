import type { ChatCompletionRequest } from '@tollgate/core';
import { describe, expect, it } from 'vitest';
import { fitToOpenAIReasoningModel, nearestEffort } from './fit-to-openai-reasoning-model.js';
import { notReasoning, openAIReasoningParams } from './openai-reasoning-params.js';

const request = (fields: Record<string, unknown>): ChatCompletionRequest => ({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...fields }) as ChatCompletionRequest;

describe('openAIReasoningParams', () => {
  it("knows each family's efforts, by name or snapshot", () => {
    const efforts = (model: string) => openAIReasoningParams(model)?.efforts;
    expect(efforts('o3')).toEqual(['low', 'medium', 'high']);
    expect(efforts('o4-mini-2025-04-16')).toEqual(['low', 'medium', 'high']);
    expect(efforts('gpt-5-2025-08-07')).toEqual(['minimal', 'low', 'medium', 'high']);
    expect(efforts('gpt-5-nano')).toEqual(['minimal', 'low', 'medium', 'high']);
    expect(efforts('gpt-5.1')).toEqual(['none', 'low', 'medium', 'high']);
    expect(efforts('gpt-5.2')).toEqual(['none', 'low', 'medium', 'high', 'xhigh']);
    expect(efforts('gpt-5-pro')).toEqual(['high']);
    expect(efforts('gpt-5.2-pro')).toEqual(['medium', 'high', 'xhigh']);
    expect(efforts('gpt-5-codex')).toEqual(['low', 'medium', 'high']);
    expect(efforts('gpt-5.1-codex-max')).toEqual(['low', 'medium', 'high', 'xhigh']);
    expect(efforts('gpt-5.1-chat-latest')).toEqual(['medium']);
  });

  it('a model that does not reason takes everything; one it does not know is left alone', () => {
    expect(openAIReasoningParams('gpt-4o')).toBe(notReasoning);
    expect(openAIReasoningParams('gpt-5-chat-latest')).toBe(notReasoning);
    expect(openAIReasoningParams('qwen3-coder')).toBeUndefined();
  });

  it('stop sequences from GPT-5.5 on', () => {
    expect(openAIReasoningParams('gpt-5.2')?.takesStop).toBe(false);
    expect(openAIReasoningParams('gpt-5.5')?.takesStop).toBe(true);
    expect(openAIReasoningParams('o3')?.takesStop).toBe(false);
  });
});

describe('nearestEffort', () => {
  it('the nearest the model takes, the greater of two as near', () => {
    expect(nearestEffort('none', ['low', 'medium', 'high'])).toBe('low');
    expect(nearestEffort('minimal', ['none', 'low', 'medium', 'high'])).toBe('low');
    expect(nearestEffort('xhigh', ['minimal', 'low', 'medium', 'high'])).toBe('high');
    expect(nearestEffort('low', ['high'])).toBe('high');
    expect(nearestEffort('high', [])).toBeUndefined();
  });
});

describe('fitToOpenAIReasoningModel', () => {
  it('gives back the request itself when it fits', () => {
    const fits = request({ reasoning_effort: 'high', max_completion_tokens: 100 });
    expect(fitToOpenAIReasoningModel(fits, openAIReasoningParams('o3')!).request).toBe(fits);
    const tuned = request({ temperature: 0.2, stop: ['x'] });
    expect(fitToOpenAIReasoningModel(tuned, notReasoning).request).toBe(tuned);
  });

  it("a client's unknown effort goes as sent, for the upstream to name", () => {
    const odd = request({ reasoning_effort: 'extreme' });
    expect(fitToOpenAIReasoningModel(odd, openAIReasoningParams('o3')!).request).toBe(odd);
  });

  it('says what it left out and which stop sequences are left to apply', () => {
    const fitted = fitToOpenAIReasoningModel(request({ temperature: 0.2, logit_bias: { 1: 2 }, stop: 'END', reasoning_effort: 'none' }), openAIReasoningParams('gpt-5')!);
    expect(fitted.request).toMatchObject({ reasoning_effort: 'minimal' });
    expect(fitted.request).not.toHaveProperty('temperature');
    expect(fitted.dropped).toEqual(['logit_bias', 'temperature', 'stop']);
    expect(fitted.stops).toEqual(['END']);
  });

  it('a model that takes no effort gets none, and says so', () => {
    const fitted = fitToOpenAIReasoningModel(request({ reasoning_effort: 'high' }), notReasoning);
    expect(fitted.request).not.toHaveProperty('reasoning_effort');
    expect(fitted.dropped).toEqual(['reasoning_effort']);
  });
});
