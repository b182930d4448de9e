/** Stored objects may carry internal state in `_`-prefixed fields; the wire never sees them. */
export function toWire<T extends object>(stored: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) if (!key.startsWith('_')) out[key] = value;
  return out;
}
