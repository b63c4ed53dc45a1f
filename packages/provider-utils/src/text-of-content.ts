/**
 * The text of a message content: the string itself, or its text parts joined (other parts skipped).
 * For the roles whose content is text only (system, developer, assistant, tool) when a provider's
 * wire takes one string.
 */
export function textOfContent(content: string | readonly { readonly type: string; readonly text?: unknown }[] | null | undefined): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? String(part.text) : '')).join('');
}
