import type OpenAI from 'openai';

/** The bytes of the mock screenshot, base64. */
export const mockScreenshot = Buffer.from('mock png bytes').toString('base64');

/**
 * A chat conversation whose tool message holds a screenshot beside its text, as OpenRouter's chat
 * clients send one: the question, the `screenshot` call `callId`, its result (`page.png` and the image).
 */
export function screenshotToolStep(callId: string): OpenAI.ChatCompletionMessageParam[] {
  return [
    { role: 'user', content: 'What does the page show?' },
    { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'screenshot', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: callId, content: [{ type: 'text', text: 'page.png' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${mockScreenshot}` } }] as never },
  ];
}
