/** Converse API wire types: the parts of a request and response Tollgate reads and writes. */

/** One content block of a message. */
export interface BedrockContentBlock {
  text?: string;
  image?: { format: string; source: { bytes: string } | { s3Location: { uri: string } } };
  document?: { format: string; name: string; source: { bytes: string } };
  toolUse?: { toolUseId: string; name: string; input: unknown };
  toolResult?: { toolUseId: string; content: BedrockToolResultBlock[]; status?: 'success' | 'error' };
  reasoningContent?: { reasoningText?: { text: string; signature?: string }; redactedContent?: string };
  /** Prompt caching: what comes before this block is cached (for `ttl`, 5 minutes by default). */
  cachePoint?: BedrockCachePoint;
}

/** One block of a tool result: text, a JSON object, an image or a document. */
export type BedrockToolResultBlock = { text: string } | { json: unknown } | Pick<BedrockContentBlock, 'image' | 'document'>;

/** A cache point: Converse caches the request up to it. */
export interface BedrockCachePoint {
  type: 'default';
  ttl?: string;
}

/** A turn of the conversation; Converse requires them to alternate, starting with the user. */
export interface BedrockMessage {
  role: 'user' | 'assistant';
  content: BedrockContentBlock[];
}

/** A tool the model may call. */
export type BedrockTool = { toolSpec: { name: string; description?: string; inputSchema: { json: unknown } } } | { cachePoint: BedrockCachePoint };

/** The body of `Converse` and `ConverseStream`. */
export interface BedrockRequest {
  messages: BedrockMessage[];
  system?: ({ text: string } | { cachePoint: BedrockCachePoint })[];
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: { tools: BedrockTool[]; toolChoice?: { auto: object } | { any: object } | { tool: { name: string } } };
  additionalModelRequestFields?: Record<string, unknown>;
  guardrailConfig?: Record<string, unknown>;
}

/** Converse token usage: `inputTokens` excludes cache reads and writes. */
export interface BedrockUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** The answer of `Converse`. */
export interface BedrockResponse {
  output: { message: { role: 'assistant'; content: BedrockContentBlock[] } };
  stopReason: string;
  usage?: BedrockUsage;
}
