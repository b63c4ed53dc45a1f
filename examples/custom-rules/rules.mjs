// A local plugin: no package needed, named in the config by its path.
import { definePlugin, z } from '@tollgate/core';

export default definePlugin({
  name: 'house-rules',
  options: z.strictObject({
    /** Prompts longer than this (characters) go to `cheapModel`. */
    longPromptChars: z.number().int().positive(),
    cheapModel: z.string().min(1),
    /** Put first in every conversation. */
    systemPrompt: z.string().min(1),
  }),
  setup(api, options) {
    // route: runs before the model table, so changing the model name re-routes the request.
    api.addHook('route', function sendLongPromptsToTheCheapModel(context) {
      if (context.operation !== 'chat') return;
      const chars = context.request.messages.reduce((sum, message) => sum + JSON.stringify(message.content ?? '').length, 0);
      if (chars > options.longPromptChars) context.replaceRequest({ ...context.request, model: options.cheapModel });
    });
    // transform.request: the request is final here; replaceRequest is the one way to change it.
    api.addHook('transform.request', function injectHouseSystemPrompt(context) {
      if (context.operation !== 'chat') return;
      context.replaceRequest({ ...context.request, messages: [{ role: 'system', content: options.systemPrompt }, ...context.request.messages] });
    });
  },
});
