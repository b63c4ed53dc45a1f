import type { ChatCompletionRequest, ModelRequest, Operation } from '@tollgate/core';

type Part = { readonly type?: unknown; readonly [field: string]: any };

/** What a part is when its content is one the upstream fetches or keeps, which the gateway cannot see to count. */
function fetchedKind(part: Part): string | undefined {
  switch (part.type) {
    // A chat file by OpenAI's file id, or by a URL in `file_data` (as OpenRouter takes one).
    case 'file': {
      const data = part.file?.file_data;
      if (typeof data !== 'string') return 'a file by `file_id`';
      return data.startsWith('data:') ? undefined : 'a file by URL';
    }
    // An Anthropic document or image by URL or by Anthropic's file id (one by data translates).
    case 'document':
    case 'image':
      return part.source?.type === 'url' || part.source?.type === 'file' ? `a ${part.type} by ${part.source.type === 'url' ? 'URL' : '`file_id`'}` : undefined;
    // A Responses file by id or URL, an image by id.
    case 'input_file':
      return typeof part.file_data === 'string' ? undefined : `a file by ${typeof part.file_url === 'string' ? '`file_url`' : '`file_id`'}`;
    case 'input_image':
      return typeof part.image_url === 'string' ? undefined : 'an image by `file_id`';
    default:
      return undefined;
  }
}

/**
 * What the first part of a chat request is whose content the upstream fetches (`a document by URL`,
 * `a file by \`file_id\``): its tokens cannot be counted before the call. Undefined when there is none.
 */
export function fetchedInputOf(request: ModelRequest, operation: Operation): string | undefined {
  if (operation !== 'chat') return undefined;
  const messages = (request as ChatCompletionRequest).messages;
  if (!Array.isArray(messages)) return undefined;
  for (const message of messages) {
    const content = message.content;
    if (!Array.isArray(content)) continue;
    for (const part of content) {
      const kind = fetchedKind(part as Part);
      if (kind !== undefined) return kind;
    }
  }
  return undefined;
}
