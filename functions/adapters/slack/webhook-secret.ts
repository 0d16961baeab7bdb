import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Reads the Slack webhook URL from Secrets Manager: either the plain secret string or JSON with a `url` or
 * `webhookUrl` key. The value is returned to the caller only; it is never logged or put in an error.
 */
export async function readWebhookUrl(client: SecretsManagerClient, secretArn: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const value = SecretString?.trim() ?? '';
  const url = value.startsWith('{') ? webhookFromJson(value) : value;
  if (!url?.startsWith('https://')) {
    throw new Error(
      `secret ${secretArn} does not hold a webhook URL (a string starting with https://, or JSON {"url": ...})`,
    );
  }
  return url;
}

function webhookFromJson(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const url = parsed.url ?? parsed.webhookUrl;
    return typeof url === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}
