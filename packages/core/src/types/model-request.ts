import type { ChatCompletionRequest } from './chat-completion-request.js';
import type { EmbeddingRequest } from './embedding-request.js';
import type { ImageGenerationRequest } from './image-generation-request.js';
import type { ModerationRequest } from './moderation-request.js';
import type { SpeechRequest } from './speech-request.js';
import type { TranscriptionRequest } from './transcription-request.js';
import type { RerankRequest } from './rerank-request.js';

/** A canonical request of any operation; narrow it with the context's `operation`. */
export type ModelRequest = ChatCompletionRequest | EmbeddingRequest | RerankRequest | ImageGenerationRequest | ModerationRequest | TranscriptionRequest | SpeechRequest;
