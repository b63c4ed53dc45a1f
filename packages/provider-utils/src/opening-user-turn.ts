/**
 * The text of the user turn put before a conversation that starts with the assistant's (a chat UI's
 * greeting, a history trimmed from the front), for upstreams that take a conversation only from a
 * user turn (Claude: `first message must use the "user" role`; Converse: `A conversation must start
 * with a user message`): a bare mark, saying nothing the model would answer.
 */
export const openingUserText = '.';
