/**
 * Converse has no JSON mode, so `response_format` is served with a tool that has the wanted schema
 * and that the model is made to call (the JSON-through-tools technique Anthropic documents, and the
 * one LiteLLM uses on Bedrock). Its input is the answer: the client sees it as `content`, never as a
 * tool call.
 */
export const jsonResponseToolName = 'tollgate_json_response';
