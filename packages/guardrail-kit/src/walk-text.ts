import { rerankDocumentText, type ChatCompletionRequest, type ChatCompletionResponse, type ChatMessage, type EmbeddingRequest, type ModerationInputPart, type ModerationRequest, type ReasoningDetail, type RerankDocument, type RerankRequest } from '@tollgate/core';

/** Maps every text a chat request carries (message contents and text parts); the same object when nothing changed. */
export function mapRequestText(request: ChatCompletionRequest, map: (text: string) => string): ChatCompletionRequest {
  let changed = false;
  const messages = request.messages.map((message) => {
    const content = message.content;
    if (typeof content === 'string') {
      const next = map(content);
      if (next === content) return message;
      changed = true;
      return { ...message, content: next } as ChatMessage;
    }
    if (!Array.isArray(content)) return message;
    let partChanged = false;
    const parts = content.map((part: { type: string; text?: string }) => {
      if (part.type !== 'text' || typeof part.text !== 'string') return part;
      const next = map(part.text);
      if (next === part.text) return part;
      partChanged = true;
      return { ...part, text: next };
    });
    if (!partChanged) return message;
    changed = true;
    return { ...message, content: parts } as ChatMessage;
  });
  return changed ? { ...request, messages } : request;
}

/** Maps the text of every choice of an answer; the same object when nothing changed. */
export function mapResponseText(response: ChatCompletionResponse, map: (text: string) => string): ChatCompletionResponse {
  let changed = false;
  const choices = response.choices.map((choice) => {
    const content = choice.message.content;
    if (typeof content !== 'string') return choice;
    const next = map(content);
    if (next === content) return choice;
    changed = true;
    return { ...choice, message: { ...choice.message, content: next } };
  });
  return changed ? { ...response, choices } : response;
}

/**
 * Maps every text of an embeddings request's `input` (a string, or strings); token ids are left as
 * they are, having no text to look at. The same object when nothing changed.
 */
export function mapEmbeddingText(request: EmbeddingRequest, map: (text: string) => string): EmbeddingRequest {
  const input = request.input;
  if (typeof input === 'string') {
    const next = map(input);
    return next === input ? request : { ...request, input: next };
  }
  let changed = false;
  const items = (input as readonly unknown[]).map((item) => {
    if (typeof item !== 'string') return item;
    const next = map(item);
    if (next !== item) changed = true;
    return next;
  });
  return changed ? { ...request, input: items as string[] } : request;
}

/** Maps a moderation request's input texts (a string, strings, or text parts; image parts as they are); the same object when nothing changed. */
export function mapModerationText(request: ModerationRequest, map: (text: string) => string): ModerationRequest {
  const input = request.input;
  if (typeof input === 'string') {
    const next = map(input);
    return next === input ? request : { ...request, input: next };
  }
  let changed = false;
  const items = (input as readonly (string | ModerationInputPart)[]).map((item) => {
    const text = typeof item === 'string' ? item : item.type === 'text' ? item.text : undefined;
    if (text === undefined) return item;
    const next = map(text);
    if (next === text) return item;
    changed = true;
    return typeof item === 'string' ? next : { ...item, text: next };
  });
  return changed ? { ...request, input: items as ModerationRequest['input'] } : request;
}

/** Maps a rerank request's query and its documents' texts (strings, or `{ text }`); the same object when nothing changed. */
export function mapRerankText(request: RerankRequest, map: (text: string) => string): RerankRequest {
  const query = map(request.query);
  let changed = query !== request.query;
  const documents = request.documents.map((document): RerankDocument => {
    const text = rerankDocumentText(document);
    const next = map(text);
    if (next === text) return document;
    changed = true;
    return typeof document === 'string' ? next : { ...document, text: next };
  });
  return changed ? { ...request, query, documents } : request;
}

/**
 * The reasoning texts of an answer's message or a stream chunk's delta: its `reasoning_details`'
 * thinking text and summaries (Claude's, OpenAI's), else its `reasoning_content`. Read, never
 * rewritten: Claude's thinking is signed, and a changed one is refused on the next turn.
 */
export function reasoningTexts(message: { readonly reasoning_content?: unknown; readonly reasoning_details?: readonly ReasoningDetail[] | undefined }): string[] {
  const details = message.reasoning_details;
  if (details !== undefined && details.length > 0) {
    const texts: string[] = [];
    for (const detail of details) {
      const text = detail.type === 'reasoning.text' ? detail.text : detail.type === 'reasoning.summary' ? detail.summary : undefined;
      if (text !== undefined && text !== '') texts.push(text);
    }
    return texts;
  }
  return typeof message.reasoning_content === 'string' && message.reasoning_content !== '' ? [message.reasoning_content] : [];
}

/**
 * The arguments of the tool calls of an answer's message or a stream chunk's delta, keyed by the
 * call's index (a stream's fragments of one call share it): what a model would hand a tool — a
 * document to send, a command to run. Read, never rewritten: a changed argument could stop being JSON.
 */
export function toolArgumentTexts(message: { readonly tool_calls?: readonly { readonly index?: number; readonly function?: { readonly arguments?: string } }[] | null | undefined }): { readonly index: number; readonly text: string }[] {
  const calls = message.tool_calls;
  if (calls === undefined || calls === null || calls.length === 0) return [];
  const texts: { index: number; text: string }[] = [];
  for (const [position, call] of calls.entries()) {
    const text = call.function?.arguments;
    if (typeof text === 'string' && text !== '') texts.push({ index: call.index ?? position, text });
  }
  return texts;
}
