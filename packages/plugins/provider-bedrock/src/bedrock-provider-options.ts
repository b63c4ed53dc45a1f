import { z } from '@tollgate/core';
import { upstreamTimeoutsSchema } from '@tollgate/provider-utils';

/** Options of one `type: bedrock` provider instance (validated at startup). */
export const bedrockProviderOptionsSchema = z.strictObject({
  /** The AWS region; `AWS_REGION` (or `AWS_DEFAULT_REGION`) when left out. */
  region: z.string().min(1).optional(),
  /** Defaults to `https://bedrock-runtime.<region>.amazonaws.com` (set it for a VPC endpoint or a proxy). */
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "https://bedrock-runtime.us-east-1.amazonaws.com"' }).optional(),
  /**
   * The Agent Runtime, where `/v1/rerank` requests go (its Rerank API); defaults to
   * `https://bedrock-agent-runtime.<region>.amazonaws.com`.
   */
  agentRuntimeURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "https://bedrock-agent-runtime.us-east-1.amazonaws.com"' }).optional(),
  /** Static credentials for SigV4; without them (and without `apiKey`) the AWS default chain is used: env, profile, SSO, web identity, ECS, EC2. */
  credentials: z
    .strictObject({
      accessKeyId: z.string().min(1),
      secretAccessKey: z.string().min(1),
      sessionToken: z.string().min(1).optional(),
    })
    .optional(),
  /** A Bedrock API key, sent as `Authorization: Bearer` instead of a SigV4 signature. */
  apiKey: z.string().min(1).optional(),
  /** The id price tables know this upstream by. */
  priceProvider: z.string().min(1).default('aws'),
  /**
   * Claude models take the Messages API's body through InvokeModel: Anthropic clients (Claude Code)
   * are passed through to it as they sent it instead of translated to Converse. `false`: every request
   * goes through Converse.
   */
  messagesAPI: z.boolean().default(true),
  /** Model-specific fields sent with every request (`additionalModelRequestFields`), such as `{ top_k: 50 }`. */
  additionalModelRequestFields: z.record(z.string(), z.unknown()).optional(),
  /** A Bedrock guardrail applied to every request. */
  guardrail: z
    .strictObject({
      identifier: z.string().min(1),
      version: z.string().min(1),
      trace: z.enum(['enabled', 'disabled', 'enabled_full']).optional(),
    })
    .optional(),
  headers: z.record(z.string(), z.string()).default({}),
  maxConnections: z.number().int().positive().optional(),
  timeouts: upstreamTimeoutsSchema,
});

/** Options of one `type: bedrock` provider instance, with defaults applied. */
export type BedrockProviderOptions = z.output<typeof bedrockProviderOptionsSchema>;
