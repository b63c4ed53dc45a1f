import type { Logger } from '@tollgate/core';
import { anyOpenAIReasoningParams, isOpenAICompletionsModel, isOpenAIReasoningModel, isOpenAIResponsesOnlyModel, OpenAICompatibleProvider, openAIAssistantMessageFields, openAIChatParams, openAIEmbeddingParams, openAIReasoningParams, paramDropper, RenewingToken, requestOAuthToken } from '@tollgate/provider-utils';
import { entraSource, entraTokenRequestOf, resolveEntraSignIn } from './entra-token.js';
import type { AzureOpenAIProviderOptions } from './azure-openai-provider-options.js';

/**
 * A provider for Azure OpenAI. A target's model is the deployment name
 * (`azure/my-gpt4o-deployment`): requests go to `/openai/deployments/<deployment>/…?api-version=…`
 * (or the version-less `/openai/v1/…` API with `apiVersion: v1`), authenticated with `api-key`, an
 * Entra ID bearer token given, or Entra ID tokens the gateway fetches and renews (`entra`: a service
 * principal's client secret, or a managed identity). The wire is OpenAI's; Azure's leading `prompt_filter_results` chunk (empty
 * `choices`) is not passed to clients, and a `content_filter` refusal triggers a group's
 * content-policy fallback. On the v1 API, Responses API clients pass through to `/openai/v1/responses`,
 * where Responses-only deployments are reached by every client; legacy completions clients pass through
 * to an instruct deployment's `/completions`.
 */
/** Azure's own chat completions fields beyond OpenAI's: "On Your Data" sources. */
const azureChatParams: ReadonlySet<string> = new Set([...openAIChatParams, 'data_sources']);

export class AzureOpenAIProvider extends OpenAICompatibleProvider {
  constructor(name: string, options: AzureOpenAIProviderOptions, logger?: Logger) {
    const signIn = options.entra === undefined ? undefined : resolveEntraSignIn(options.entra, name);
    const entraToken = signIn === undefined ? undefined : new RenewingToken(async () => requestOAuthToken(name, { name: 'a Microsoft Entra ID token', source: entraSource(signIn) }, await entraTokenRequestOf(signIn)));
    if (signIn !== undefined) logger?.info({ provider: name, signsInWith: entraSource(signIn) }, 'provider signs in to Azure OpenAI with Entra ID');
    super({
      name,
      baseURL: options.endpoint,
      timeouts: options.timeouts,
      maxConnections: options.maxConnections,
      headers: {
        'content-type': 'application/json',
        ...(options.apiKey !== undefined ? { 'api-key': options.apiKey } : options.entraToken !== undefined ? { authorization: `Bearer ${options.entraToken}` } : {}),
        ...options.headers,
      },
      secrets: [options.apiKey, options.entraToken, signIn?.kind === 'client-secret' ? signIn.clientSecret : undefined].filter((secret): secret is string => secret !== undefined),
      bearerToken: entraToken === undefined ? undefined : () => entraToken.get(),
      priceProvider: options.priceProvider,
      dropEmptyChoices: true,
      dropParam: paramDropper(options.dropParams, azureChatParams),
      dropMessageField: paramDropper(options.dropParams, openAIAssistantMessageFields),
      dropEmbeddingParam: paramDropper(options.dropParams, openAIEmbeddingParams),
      logger,
      // Reasoning deployments refuse max_tokens, as OpenAI's reasoning models do.
      maxCompletionTokensOnly: (deployment) => isOpenAIReasoningModel(deployment) || options.maxCompletionTokensDeployments.includes(deployment),
      // Requests fitted to what a deployment's model takes (named after it; a listed one: what every reasoning model takes).
      reasoningParams: (deployment) => openAIReasoningParams(deployment) ?? (options.maxCompletionTokensDeployments.includes(deployment) ? anyOpenAIReasoningParams : undefined),
      pathFor: (operation, deployment) =>
        options.apiVersion === 'v1'
          ? `/openai/v1/${operation}`
          : `/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${encodeURIComponent(options.apiVersion)}`,
      // The v1 API serves the Responses API too (the model is the deployment name): Responses clients pass
      // through, and Responses-only deployments (named like gpt-5-codex) are reached through it.
      responsesAPI: options.apiVersion === 'v1',
      // Instruct deployments serve legacy completions: a `/v1/completions` client's bytes go to them.
      completionsAPI: true,
      // Image deployments (gpt-image-1, DALL·E 3) answer OpenAI's Images API at their own path.
      images: true,
      // Whisper and GPT-4o transcribe deployments transcribe audio at their own path.
      transcriptions: true,
      // TTS deployments read text aloud at their own path (the audio passed on, billed by the characters read).
      speech: true,
      completionsModel: (deployment) => isOpenAICompletionsModel(deployment) || options.completionsDeployments.includes(deployment),
      responsesOnly: options.apiVersion === 'v1' ? (deployment) => isOpenAIResponsesOnlyModel(deployment) || options.responsesOnlyDeployments.includes(deployment) : undefined,
    });
  }
}
