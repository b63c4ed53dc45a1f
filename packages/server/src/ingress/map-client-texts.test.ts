import { describe, expect, it } from 'vitest';
import { mapMessagesTexts } from './anthropic/map-messages-texts.js';
import { mapResponsesTexts } from './openai-responses/map-responses-texts.js';

const shout = (text: string) => (text.includes('secret') ? text.replaceAll('secret', '[X]') : text);

describe('mapMessagesTexts', () => {
  it('maps system, string and block texts and tool results (as a string or blocks), and nothing else', () => {
    const body = {
      model: 'sonnet',
      system: 'a secret system',
      messages: [
        { role: 'user', content: 'a secret question' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'a secret thought', signature: 's' }, { type: 'text', text: 'a secret answer' }, { type: 'tool_use', id: 't', name: 'Read', input: { path: 'secret' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'secret file' }, { type: 'image', source: { type: 'url', url: 'https://x/secret.png' } }] }] },
      ],
    };
    expect(mapMessagesTexts(body, shout)).toEqual({
      model: 'sonnet',
      system: 'a [X] system',
      messages: [
        { role: 'user', content: 'a [X] question' },
        // Thinking is signed, a tool call's input is the model's: both as sent.
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'a secret thought', signature: 's' }, { type: 'text', text: 'a [X] answer' }, { type: 'tool_use', id: 't', name: 'Read', input: { path: 'secret' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: '[X] file' }, { type: 'image', source: { type: 'url', url: 'https://x/secret.png' } }] }] },
      ],
    });
  });

  it('returns the same body when no text changed', () => {
    const body = { model: 'sonnet', system: [{ type: 'text', text: 'plain', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }] };
    expect(mapMessagesTexts(body, shout)).toBe(body);
  });
});

describe('mapResponsesTexts', () => {
  it('maps instructions, message parts and tool outputs (as a string or parts); reasoning items and calls as sent', () => {
    const reasoning = { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'a secret plan' }], encrypted_content: 'gAAAA' };
    const call = { type: 'function_call', call_id: 'c', name: 'shell', arguments: '{"cmd":"cat secret"}' };
    const body = {
      model: 'gpt-5-codex',
      instructions: 'keep it secret',
      input: [
        { role: 'user', content: 'a secret question' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'a secret answer' }] },
        reasoning,
        call,
        { type: 'function_call_output', call_id: 'c', output: [{ type: 'input_text', text: 'secret output' }] },
        { type: 'custom_tool_call_output', call_id: 'd', output: 'secret patch' },
      ],
    };
    expect(mapResponsesTexts(body, shout)).toEqual({
      model: 'gpt-5-codex',
      instructions: 'keep it [X]',
      input: [
        { role: 'user', content: 'a [X] question' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'a [X] answer' }] },
        reasoning,
        call,
        { type: 'function_call_output', call_id: 'c', output: [{ type: 'input_text', text: '[X] output' }] },
        { type: 'custom_tool_call_output', call_id: 'd', output: '[X] patch' },
      ],
    });
    expect(mapResponsesTexts({ model: 'm', input: 'a secret' }, shout)).toEqual({ model: 'm', input: 'a [X]' });
  });

  it('returns the same body when no text changed', () => {
    const body = { model: 'gpt-5-codex', input: [{ role: 'user', content: [{ type: 'input_text', text: 'hello' }] }] };
    expect(mapResponsesTexts(body, shout)).toBe(body);
  });
});
