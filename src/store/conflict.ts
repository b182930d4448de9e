// Errors that mean "a concurrent transaction got in the way, try the whole transaction again"
// rather than "this work is wrong": PostgreSQL's serialization failures and deadlocks. The
// PostgreSQL store retries a write that fails with one; code running inside a write must let
// them through instead of recording them as an outcome (a job "failed: deadlock detected").
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01']);

export function isTransientConflict(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && TRANSIENT_SQLSTATES.has(code);
}
