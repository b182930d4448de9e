// How the command fails: one plain line on stderr and a non-zero exit, never a stack trace.
// Exit codes: 1 means `verify` found breaks; 2 means the command could not do what was asked.

/** A mistake the user can fix; its message is the whole line they see. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
  EACCES: 'permission denied',
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
};

/** The innermost system error code of an error and its causes (fetch wraps them). */
export function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
    if (e instanceof AggregateError && e.errors.length > 0) return errorCode(e.errors[0]);
  }
  return undefined;
}

/** A one-line description of any error, for the last-resort handler. */
export function plainMessage(error: unknown): string {
  if (error instanceof CliError) return error.message;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  let line = message.split('\n')[0].trim();
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message && !line.includes(cause.message)) line = `${line}: ${cause.message.split('\n')[0]}`;
  if (code && CODES[code] && !line.includes(CODES[code])) return `${line || 'failed'} (${CODES[code]})`;
  return line || (code ?? 'unknown error');
}

/** Prints the line and exits. */
export function exitWith(error: unknown): never {
  const exitCode = error instanceof CliError ? error.exitCode : 2;
  process.stderr.write(`cashbook: ${plainMessage(error)}\n`);
  if (process.env.CASHBOOK_DEBUG && error instanceof Error && !(error instanceof CliError)) process.stderr.write(`${error.stack}\n`);
  process.exit(exitCode);
}
