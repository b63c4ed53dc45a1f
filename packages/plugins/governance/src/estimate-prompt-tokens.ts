import { rerankDocumentText, type ChatCompletionRequest, type ChatMessage, type EmbeddingRequest, type RerankRequest } from '@tollgate/core';
import { TokenCountCache } from './token-count-cache.js';

/** Tokens OpenAI's chat format adds per message and per reply. */
const tokensPerMessage = 4;
const tokensPerReply = 3;
/** An image counted as a large high-detail tile set, since its size is unknown here. */
const tokensPerImage = 1_500;

/** This process's counts of long texts: a conversation's earlier turns are counted once. */
const cache = new TokenCountCache();
const countTokens = (text: string): number => cache.count(text);

function contentTokens(content: ChatMessage['content']): number {
  if (content == null) return 0;
  if (typeof content === 'string') return countTokens(content);
  let tokens = 0;
  for (const part of content) {
    if (part.type === 'text') tokens += countTokens((part as { text: string }).text);
    else if (part.type === 'image_url') tokens += tokensPerImage;
    else tokens += countTokens(JSON.stringify(part));
  }
  return tokens;
}

/**
 * The prompt tokens of a request, counted with the o200k tokenizer (`gpt-tokenizer`): message
 * contents, names, tool calls and tool definitions, plus the chat format's per-message overhead; an
 * embeddings request's input; a rerank request's query with each of its documents.
 * Exact for recent OpenAI models, an estimate for others (the plugin adds a margin). Long texts'
 * counts are remembered (see {@link TokenCountCache}), so an agent's growing conversation costs only
 * its new messages.
 */
export function estimatePromptTokens(request: ChatCompletionRequest | EmbeddingRequest | RerankRequest, operation: 'chat' | 'embeddings' | 'rerank'): number {
  if (operation === 'rerank') {
    // A cross-encoder reads the query with each document: what rerank servers count.
    const rerank = request as RerankRequest;
    const queryTokens = countTokens(rerank.query);
    return rerank.documents.reduce<number>((sum, document) => sum + queryTokens + countTokens(rerankDocumentText(document)), 0);
  }
  if (operation === 'embeddings') {
    const input = (request as EmbeddingRequest).input;
    if (typeof input === 'string') return countTokens(input);
    return input.reduce<number>((sum, item) => sum + (typeof item === 'string' ? countTokens(item) : typeof item === 'number' ? 1 : item.length), 0);
  }
  const chat = request as ChatCompletionRequest;
  let tokens = tokensPerReply;
  for (const message of chat.messages) {
    tokens += tokensPerMessage + contentTokens(message.content);
    if ('name' in message && typeof message.name === 'string') tokens += countTokens(message.name);
    if (message.role === 'assistant' && message.tool_calls) tokens += countTokens(JSON.stringify(message.tool_calls));
  }
  if (chat.tools !== undefined) tokens += countTokens(JSON.stringify(chat.tools));
  return tokens;
}
