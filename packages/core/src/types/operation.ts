/**
 * What a request asks of a model: a chat (chat completions, Anthropic's Messages, the Responses API,
 * legacy completions), embeddings, a ranking of documents, or images generated from a prompt.
 */
export type Operation = 'chat' | 'embeddings' | 'rerank' | 'images';
