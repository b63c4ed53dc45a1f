// Types of the canonical request and answers (OpenAI chat completions and embeddings).
export type { ChatMessage, SystemMessage, UserMessage, AssistantMessage, ToolMessage, ToolCall, ContentPart, TextContentPart, ImageContentPart, TokenIdsContentPart, OtherContentPart } from './types/chat-message.js';
export type { ChatCompletionRequest, FunctionTool, ToolChoice, ResponseFormat } from './types/chat-completion-request.js';
export { customToolInput } from './types/custom-tool-input.js';
export type { ChatCompletionResponse, ChatCompletionChoice, FinishReason, GeneratedImage } from './types/chat-completion-response.js';
export type { ChatCompletionChunk, ChatCompletionChunkChoice, ToolCallDelta } from './types/chat-completion-chunk.js';
export type { EmbeddingRequest } from './types/embedding-request.js';
export type { EmbeddingResponse } from './types/embedding-response.js';
export { rerankDocumentText, rerankSearches, type RerankDocument, type RerankRequest } from './types/rerank-request.js';
export type { RerankResponse } from './types/rerank-response.js';
export { imageOutputTokensAtMost, imagesToEdit, inputImageTokensAtMost, type ImageGenerationRequest, type ImageUpload } from './types/image-generation-request.js';
export { imagesUsage, type ImageGenerationResponse } from './types/image-generation-response.js';
export { defaultModerationModel, moderationTexts, type ModerationInputPart, type ModerationRequest } from './types/moderation-request.js';
export type { ModerationResponse } from './types/moderation-response.js';
export type { AudioUpload, TranscriptionRequest } from './types/transcription-request.js';
export { speechCharacters, speechMediaType, type SpeechRequest } from './types/speech-request.js';
export { transcriptionUsage, type TranscriptionResponse } from './types/transcription-response.js';
export type { ModelRequest } from './types/model-request.js';
export type { Operation } from './types/operation.js';
export type { Usage, UsageSource } from './types/usage.js';
export { countStreamedText, newStreamedOutput, type StreamedOutput } from './types/streamed-output.js';
export { countPromptTokens, type CountPart } from './engine/count-prompt-tokens.js';
export { isConfigKeyId } from './auth/create-config-key-auth.js';
export { usdOfMicros } from './engine/usage-cost.js';
export { claudeThinkingDetail, type ReasoningDetail } from './types/reasoning-detail.js';
export { upstreamFormats, type UpstreamFormat, type UpstreamItem } from './types/upstream-item.js';
export type { WireFormat } from './types/wire-format.js';

// Errors.
export { errorCatalog } from './errors/error-catalog.js';
export type { ErrorCode, ErrorCatalogEntry, OpenAIErrorType } from './errors/error-catalog.js';
export { GatewayError } from './errors/gateway-error.js';
export type { GatewayErrorOptions, OpenAIErrorBody } from './errors/gateway-error.js';
export type { RefusingLevel } from './errors/refusing-level.js';
export { ProviderError } from './errors/provider-error.js';
export type { ProviderErrorOptions } from './errors/provider-error.js';
export { ConfigError } from './errors/config-error.js';
export type { ConfigIssue } from './errors/config-error.js';
export { toGatewayError } from './errors/to-gateway-error.js';
export { redactSecrets } from './errors/redact-secrets.js';

// Request context.
export type { GatewayContext, GatewayContextBase, ChatContext, EmbeddingsContext, RerankContext, ImagesContext, ModerationsContext, TranscriptionsContext, SpeechContext, ContextVariableMap, RequestTimings, RoutingOverrides } from './context/gateway-context.js';
export type { Principal } from './context/principal.js';
export type { AttemptRecord } from './context/attempt-record.js';
export { RequestContext } from './context/request-context.js';
export { roundMs } from './context/round-ms.js';
export { isTag, keyTagsSchema, maxRequestTags, parseRequestTags, requestTags, requestTagsHeader, tagRule } from './context/request-tags.js';
export type { BoundedWebSearches, ClientBodyFacts, RequestContextInit } from './context/request-context.js';

// Providers.
export type { Provider, ProviderCallOptions, ProviderChatResult, ProviderStream, ProviderEmbedResult, ProviderRerankResult, ProviderByteStream, ProviderImagesResult, ProviderModerationResult, ProviderTranscriptionResult, StreamSummary } from './provider/provider.js';
export type { RouteTarget } from './provider/route-target.js';
export type { TargetQuota } from './routing/target-quotas.js';
export { setJsonFields, spliceJsonFields } from './provider/splice-json-fields.js';

// Plugins.
export { definePlugin, isTollgatePlugin } from './plugin/define-plugin.js';
export type { TollgatePlugin, PluginDefinition, PluginInstance } from './plugin/define-plugin.js';
export type { PluginApi } from './plugin/plugin-api.js';
export type { ProviderDefinition, ProviderInit } from './plugin/provider-definition.js';
export { hookPhases } from './plugin/hook-map.js';
export type { HookMap, HookPhase, GatewayResponse } from './plugin/hook-map.js';

// Services.
export { createServiceToken } from './services/service-token.js';
export type { ServiceToken } from './services/service-token.js';
export { Logger, silentLogger } from './services/logger.js';
export type { LogFunction } from './services/logger.js';
export { Clock, systemClock } from './services/clock.js';
export { Ledger } from './services/ledger.js';
export { Pricing, costAtPrices, requestedServiceTier } from './services/pricing.js';
export { Cache } from './services/cache.js';
export { MetricsEndpoint } from './services/metrics-endpoint.js';
export { TargetCircuits } from './services/target-circuits.js';
export { TargetQuotaUsage } from './services/target-quota-usage.js';
export { TargetQuotaExchange } from './services/target-quota-exchange.js';
export { ResponseStore } from './services/response-store.js';
export type { StoredResponse } from './services/response-store.js';
export type { QuotaCount, SharedQuotaUse } from './services/target-quota-exchange.js';
export { PrincipalLevels } from './services/principal-levels.js';
export type { TargetQuotaUse } from './services/target-quota-usage.js';
export type { CoolingTarget } from './services/target-circuits.js';
export type { ModelPrices, PricedModel } from './services/pricing.js';
export type { LedgerEntry } from './services/ledger.js';
export { ledgerColumns, toLedgerRow, toLedgerValues, type LedgerValue } from './services/ledger-row.js';
export { scheduleLedgerRetention, type LedgerRetention } from './services/ledger-retention.js';
export type { LedgerColumn } from './services/ledger-row.js';

// Governance: virtual keys and hard budgets (stores are plugins; see @tollgate/governance).
export { KeyStore, applyKeyUpdate } from './governance/key-store.js';
export type { VirtualKeyUpdate } from './governance/key-store.js';
export { BudgetStore } from './governance/budget-store.js';
export { budgetSubjects } from './governance/budget-subjects.js';
export type { Budget, BudgetScope, BudgetSubject, BudgetPeriod, ReserveOutcome, ReservationRequest } from './governance/budget-store.js';
export { generateVirtualKey, hashVirtualKey, virtualKeyPrefix } from './governance/virtual-key.js';
export type { VirtualKeyRecord, VirtualKeyStatus, KeyRateLimits } from './governance/virtual-key.js';
export { budgetPeriodSchema, periodStart, periodEnd } from './governance/budget-period.js';
export { RateLimitStore } from './governance/rate-limit-store.js';
export { SpendReports, spendGroupColumns, spendSql, toSpendRow } from './governance/spend-reports.js';
export { requestLookupSql, requestRecordsSql, toRequestRecord, type RequestLookup, type RequestRecord, type RequestRecordQuery } from './governance/request-records.js';
export type { SpendGroup, SpendQuery, SpendRow } from './governance/spend-reports.js';
export { AuditLog } from './governance/audit-log.js';
export type { AuditEntry } from './governance/audit-log.js';
export { provideGovernanceStore } from './governance/governance-store.js';
export type { GovernanceStore } from './governance/governance-store.js';
export { Directory, directoryParent } from './governance/directory.js';
export type { DirectoryEntry, DirectoryKind } from './governance/directory.js';
export type { RateLimitCheck, RateLimitKind, RateLimitState, RateLimitAdmission } from './governance/rate-limit-store.js';
export { keyColumns, toKeyRow, fromKeyRow, fromBudgetRow, fromDirectoryRow, directoryLimitColumns } from './governance/store-rows.js';
export type { KeyRow, BudgetRow, DirectoryRow } from './governance/store-rows.js';

// Configuration.
export type { GatewayConfig, GatewayConfigInput, ModelRouteConfig, TargetConfig, UpstreamTimeouts, RoutingDefaults } from './config/gateway-config.js';
export { validateGatewayConfig } from './config/validate-gateway-config.js';
export { gatewayConfigJsonSchema } from './config/config-json-schema.js';

// Routing.
export type { RoutePolicy, RetryPolicy, CooldownPolicy } from './routing/route-policy.js';
export type { RoutingStrategy } from './routing/strategies/routing-strategy.js';
export { retryableUpstreamStatuses } from './errors/provider-error.js';
export { matchesModelPattern } from './routing/matches-model-pattern.js';

// Engine.
export { createGateway } from './engine/create-gateway.js';
export type { CreateGatewayOptions, Gateway, LoadedPlugin } from './engine/create-gateway.js';
export { Engine } from './engine/engine.js';
export type { ChatResult, EmbeddingsResult, ByteStreamResult, ImagesResult, ModerationsResult, RerankResult, TranscriptionResult } from './engine/engine.js';
export { validateChatRequest, validateEmbeddingRequest, validateImageRequest, validateModerationRequest, validateStreamedImageRequest, validateRerankRequest, validateSpeechRequest, validateStreamedTranscriptionRequest, validateTranscriptionRequest } from './engine/validate-chat-request.js';
export { responseToChunks } from './engine/response-to-chunks.js';
export { ChunkAccumulator } from './engine/chunk-accumulator.js';

// zod, re-exported so every plugin validates its options with the same copy as the core.
export { z } from 'zod';
