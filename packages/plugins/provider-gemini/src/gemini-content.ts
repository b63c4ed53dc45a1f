/** Gemini API wire types: the parts of `GenerateContentRequest` and `GenerateContentResponse` Tollgate reads and writes. */

/** One part of a content: text (a thought when `thought` is set), inline or file data, a function call or its response. */
export interface GeminiPart {
  text?: string;
  thought?: boolean;
  /** Opaque signature of the model's reasoning; must be sent back with the part it came on. */
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
  /** `parts`: images and documents the function returned, inline (Gemini 3 reads them). */
  functionResponse?: { id?: string; name: string; response: Record<string, unknown>; parts?: { inlineData: { mimeType: string; data: string } }[] };
}

/** A turn of the conversation. */
export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/** The body of `generateContent` and `streamGenerateContent`. */
export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  tools?: { functionDeclarations: { name: string; description?: string; parametersJsonSchema?: unknown }[] }[];
  toolConfig?: { functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] } };
  generationConfig?: Record<string, unknown>;
  safetySettings?: unknown[];
  /** The processing tier asked for (`flex`, `priority`); the standard one when left out. */
  serviceTier?: 'flex' | 'priority';
  cachedContent?: string;
}

/** Token counts: `promptTokenCount` includes cached tokens; `thoughtsTokenCount` is apart from `candidatesTokenCount`. */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  /** The candidates' tokens by modality (`TEXT`, `IMAGE`…): an image model's images apart from its text. */
  candidatesTokensDetails?: { modality?: string; tokenCount?: number }[];
}

/** One generated candidate. */
export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  index?: number;
}

/** A `GenerateContentResponse`: a whole answer, or one event of a stream. */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}
