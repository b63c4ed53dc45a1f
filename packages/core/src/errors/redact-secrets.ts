/**
 * Shapes of credentials that must never leave in an error or a log line: OpenAI/Anthropic/OpenRouter
 * style keys (`sk-…`, `sk-ant-…`, `sk-or-…`), Tollgate keys, bearer tokens, Google API keys, Google
 * OAuth access tokens (`ya29.…`) and JSON Web Tokens (`eyJ….eyJ…`: Microsoft Entra ID's tokens).
 */
const secretPatterns = /\b(?:sk|tg|rk|pk)-[A-Za-z0-9_-]{6,}|\bAIza[0-9A-Za-z_-]{20,}|\bya29\.[A-Za-z0-9._-]{8,}|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?|\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{8,}/g;

/**
 * Removes secrets from a text: every known secret value given, then anything shaped like a key.
 * Used on upstream error bodies before they reach a client or a log.
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let redacted = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 6) redacted = redacted.split(secret).join('[redacted]');
  }
  return redacted.replace(secretPatterns, '[redacted]');
}
