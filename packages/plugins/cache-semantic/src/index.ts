import { cacheSemanticPlugin } from './cache-semantic-plugin.js';

export default cacheSemanticPlugin;
export { cacheSemanticPlugin };
export { SemanticIndex, type SemanticIndexOptions } from './semantic-index.js';
export { EmbeddingClient } from './embedding-client.js';
export { MemoryQuestions } from './memory-questions.js';
export { RedisQuestions, type RedisQuestionsOptions } from './redis-questions.js';
export type { QuestionStore, StoredQuestion } from './question-store.js';
export { questionOf, type Question } from './question-of.js';
export type { CacheSemanticOptions } from './cache-semantic-options.js';
