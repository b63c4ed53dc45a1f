import type { ChatCompletionChunk, ChatCompletionResponse } from '@tollgate/core';
import { describe, expect, it } from 'vitest';
import { cutAnswerAtStops, cutStreamAtStops, stopSequencesOf } from './stop-sequences.js';

const chunk = (choices: { index: number; content?: string; finish?: 'stop' | 'length' | 'tool_calls' }[], usage?: ChatCompletionChunk['usage']): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-5',
  choices: choices.map(({ index, content, finish }) => ({ index, delta: content === undefined ? {} : { content }, finish_reason: finish ?? null })),
  ...(usage === undefined ? {} : { usage }),
});

async function* streamOf(chunks: ChatCompletionChunk[]): AsyncGenerator<ChatCompletionChunk> {
  yield* chunks;
}

async function collect(chunks: ChatCompletionChunk[], stops: string[]): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const piece of cutStreamAtStops(streamOf(chunks), stops)) out.push(piece);
  return out;
}

/** Each choice's text and finish reason, from a stream's chunks. */
function byChoice(chunks: ChatCompletionChunk[]): Record<number, { text: string; finish: string[] }> {
  const choices: Record<number, { text: string; finish: string[] }> = {};
  for (const piece of chunks) {
    for (const choice of piece.choices) {
      const seen = (choices[choice.index] ??= { text: '', finish: [] });
      seen.text += choice.delta.content ?? '';
      if (choice.finish_reason !== null) seen.finish.push(choice.finish_reason);
    }
  }
  return choices;
}

describe('stopSequencesOf', () => {
  it('takes a string or a list, and leaves out empty sequences', () => {
    expect(stopSequencesOf('END')).toEqual(['END']);
    expect(stopSequencesOf(['a', '', 'b'])).toEqual(['a', 'b']);
    expect(stopSequencesOf(null)).toEqual([]);
  });
});

describe('cutAnswerAtStops', () => {
  const answer = (content: string): ChatCompletionResponse => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-5',
    choices: [{ index: 0, message: { role: 'assistant', content, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read', arguments: '{}' } }] }, finish_reason: 'tool_calls' }],
  });

  it('cuts before the earliest of the sequences, drops what came after (tool calls too), finished for stop', () => {
    const cut = cutAnswerAtStops(answer('one END two STOP three'), ['STOP', 'END']);
    expect(cut.choices[0]?.message.content).toBe('one ');
    expect(cut.choices[0]?.message.tool_calls).toBeUndefined();
    expect(cut.choices[0]?.finish_reason).toBe('stop');
  });

  it('gives back the same answer when no text holds one', () => {
    const whole = answer('nothing to cut');
    expect(cutAnswerAtStops(whole, ['END'])).toBe(whole);
  });
});

describe('cutStreamAtStops', () => {
  it('finds a sequence split over three chunks, and sends nothing of the choice after it', async () => {
    const out = await collect([chunk([{ index: 0, content: 'answer: 42 <|e' }]), chunk([{ index: 0, content: 'nd' }]), chunk([{ index: 0, content: '|> more' }]), chunk([{ index: 0, content: ' text' }]), chunk([{ index: 0, finish: 'length' }])], ['<|end|>']);
    expect(byChoice(out)).toEqual({ 0: { text: 'answer: 42 ', finish: ['stop'] } });
  });

  it('flushes a held tail that turned out to be no sequence when the choice finishes', async () => {
    const out = await collect([chunk([{ index: 0, content: 'wait <|e' }]), chunk([{ index: 0, finish: 'stop' }])], ['<|end|>']);
    expect(byChoice(out)).toEqual({ 0: { text: 'wait <|e', finish: ['stop'] } });
  });

  it('keeps each choice apart: one stops, the other goes on', async () => {
    const out = await collect([chunk([{ index: 0, content: 'a STOP b' }, { index: 1, content: 'c d' }]), chunk([{ index: 0, content: 'e' }, { index: 1, content: ' f', finish: 'stop' }])], ['STOP']);
    expect(byChoice(out)).toEqual({ 0: { text: 'a ', finish: ['stop'] }, 1: { text: 'c d f', finish: ['stop'] } });
  });

  it('passes the usage at the end, and a stopped choice chunk that carries usage', async () => {
    const usage = { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 };
    const out = await collect([chunk([{ index: 0, content: 'x STOP y' }]), chunk([{ index: 0, content: 'z', finish: 'stop' }], usage)], ['STOP']);
    expect(out.at(-1)?.usage).toEqual(usage);
    expect(byChoice(out)).toEqual({ 0: { text: 'x ', finish: ['stop'] } });
  });
});
