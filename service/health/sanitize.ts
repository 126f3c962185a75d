// What a failed check may say to a caller: its kind and a short reason, never a connection
// string, a host or a key (error messages of drivers often embed them).
const secretish =
  /\b[a-z][a-z0-9+.-]*:\/\/\S+|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b|\[[0-9a-f:]+\](?::\d+)?|password\S*|key\S*/gi;

export function sanitizeError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const cleaned = message.replace(secretish, '[redacted]').slice(0, 200);
  return typeof code === 'string' ? `${code}: ${cleaned}` : cleaned;
}
