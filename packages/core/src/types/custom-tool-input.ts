/**
 * The one string parameter a freeform (`custom`) tool of the Responses API takes when it travels as a
 * function in the canonical request: a call's arguments are `{"input": "<the text>"}`. The Responses
 * ingress and the Responses-only model bridge both use it, so a custom tool survives either crossing.
 */
export const customToolInput = 'input';
