/**
 * What a request asks of a model: a chat (chat completions, Anthropic's Messages, the Responses API,
 * legacy completions), embeddings, a ranking of documents, images generated from a prompt, or a
 * moderation verdict on an input.
 */
export type Operation = 'chat' | 'embeddings' | 'rerank' | 'images' | 'moderations';
