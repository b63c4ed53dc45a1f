/**
 * What a request asks of a model: a chat (chat completions, Anthropic's Messages, the Responses API,
 * legacy completions), embeddings, a ranking of documents, images generated from a prompt, a
 * moderation verdict on an input, the transcript of an audio file, or speech read from a text.
 */
export type Operation = 'chat' | 'embeddings' | 'rerank' | 'images' | 'moderations' | 'transcriptions' | 'speech';
