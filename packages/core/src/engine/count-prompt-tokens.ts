import type { ChatCompletionRequest } from '../types/chat-completion-request.js';
import type { ChatMessage, ContentPart } from '../types/chat-message.js';
import type { EmbeddingRequest } from '../types/embedding-request.js';
import type { ImageGenerationRequest } from '../types/image-generation-request.js';
import type { ModelRequest } from '../types/model-request.js';
import { moderationTexts, type ModerationRequest } from '../types/moderation-request.js';
import type { Operation } from '../types/operation.js';
import { rerankDocumentText, type RerankRequest } from '../types/rerank-request.js';
import type { SpeechRequest } from '../types/speech-request.js';
import type { TranscriptionRequest } from '../types/transcription-request.js';

/** Tokens OpenAI's chat format adds per message and per reply. */
const tokensPerMessage = 4;
const tokensPerReply = 3;
/** An image counted as a large high-detail tile set, since its size is unknown here. */
const tokensPerImage = 1_500;
/** Bytes of text per token: OpenAI's rule of thumb for English, about four characters a token. */
const bytesPerToken = 4;

/** The tokens so many bytes of text make by OpenAI's rule of thumb (÷ 4), for where no tokenizer is at hand. */
export function approximateTokensOfBytes(bytes: number): number {
  return Math.ceil(bytes / bytesPerToken);
}

/** A text's tokens by OpenAI's rule of thumb (UTF-8 bytes ÷ 4), for where no tokenizer is at hand. */
export function approximateTextTokens(text: string): number {
  return approximateTokensOfBytes(Buffer.byteLength(text));
}

/**
 * The tokens of a content part other than text or token ids (an image, a file, a document), when the
 * caller knows them better: undefined for the default count (an image as 1,500, anything else as the
 * tokens of its JSON).
 */
export type CountPart = (part: ContentPart) => number | undefined;

function contentTokens(content: ChatMessage['content'], countText: (text: string) => number, countPart: CountPart | undefined): number {
  if (content == null) return 0;
  if (typeof content === 'string') return countText(content);
  let tokens = 0;
  for (const part of content) {
    if (part.type === 'text') tokens += countText((part as { text: string }).text);
    else if (part.type === 'image_url') tokens += countPart?.(part) ?? tokensPerImage;
    else if (part.type === 'token_ids' && Array.isArray(part.token_ids)) tokens += part.token_ids.length;
    else tokens += countPart?.(part) ?? countText(JSON.stringify(part));
  }
  return tokens;
}

/**
 * The prompt tokens of a request, each text counted by `countText`: message contents, names, tool
 * calls and tool definitions, plus the chat format's per-message overhead (a prompt of token ids as its ids,
 * another part as `countPart` says, else an image as 1,500 and anything else as its JSON); an
 * embeddings request's input; a rerank request's query with each of its documents; an image request's prompt; a moderation request's texts; a transcription request's prompt; a speech request's input and instructions.
 */
export function countPromptTokens(
  request: ModelRequest,
  operation: Operation,
  countText: (text: string) => number,
  countPart?: CountPart,
): number {
  if (operation === 'rerank') {
    // A cross-encoder reads the query with each document: what rerank servers count.
    const rerank = request as RerankRequest;
    const queryTokens = countText(rerank.query);
    return rerank.documents.reduce<number>((sum, document) => sum + queryTokens + countText(rerankDocumentText(document)), 0);
  }
  // An image model reads its prompt.
  if (operation === 'images') return countText((request as ImageGenerationRequest).prompt);
  // A transcription's text is its prompt (the audio is counted by the upstream).
  if (operation === 'transcriptions') {
    const prompt = (request as TranscriptionRequest).prompt;
    return typeof prompt === 'string' ? countText(prompt) : 0;
  }
  // The text read aloud, and how to read it.
  if (operation === 'speech') {
    const speech = request as SpeechRequest;
    return countText(speech.input) + (typeof speech.instructions === 'string' ? countText(speech.instructions) : 0);
  }
  if (operation === 'moderations') return moderationTexts((request as ModerationRequest).input).reduce((sum, text) => sum + countText(text), 0);
  if (operation === 'embeddings') {
    const input = (request as EmbeddingRequest).input;
    if (typeof input === 'string') return countText(input);
    return input.reduce<number>((sum, item) => sum + (typeof item === 'string' ? countText(item) : typeof item === 'number' ? 1 : item.length), 0);
  }
  const chat = request as ChatCompletionRequest;
  let tokens = tokensPerReply;
  for (const message of chat.messages) {
    tokens += tokensPerMessage + contentTokens(message.content, countText, countPart);
    if ('name' in message && typeof message.name === 'string') tokens += countText(message.name);
    if (message.role === 'assistant' && message.tool_calls) tokens += countText(JSON.stringify(message.tool_calls));
  }
  if (chat.tools !== undefined) tokens += countText(JSON.stringify(chat.tools));
  return tokens;
}
