// What the commands that talk to a running server share (listen, import-statement,
// merchant-account, payment-file): where the API is, the key, and errors as one plain line.
import { InvalidArgumentError, type Command } from 'commander';
import { CliError, errorCode, plainMessage } from './errors.ts';
import { envPort } from './options.ts';

export interface ApiOptions {
  apiBase?: string;
  apiKey?: string;
}

export function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be an http:// or https:// URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('must be an http:// or https:// URL.');
  return value;
}

export function addApiOptions(command: Command): Command {
  return command
    .option('--api-base <url>', 'the Cashbook API (default http://CASHBOOK_HOST:CASHBOOK_PORT, or http://127.0.0.1:4242)', httpUrl)
    .option('--api-key <key>', 'secret key (CASHBOOK_API_KEY)');
}

export function apiTarget(options: ApiOptions, what: string): { apiBase: string; apiKey: string } {
  const apiKey = options.apiKey ?? (process.env.CASHBOOK_API_KEY || undefined);
  if (!apiKey) throw new CliError(`${what} needs a secret key: pass --api-key sk_… or export CASHBOOK_API_KEY (\`cashbook keys create\` makes one)`);
  const apiBase = (options.apiBase ?? `http://${process.env.CASHBOOK_HOST ?? '127.0.0.1'}:${envPort(process.env, 4242)}`).replace(/\/+$/, '');
  return { apiBase, apiKey };
}

/** A failed connection to the API, as the line a user can act on (or the error itself). */
export function connectionError(error: unknown, apiBase: string): unknown {
  if (error instanceof CliError) return error;
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') return new CliError(`cannot reach the Cashbook API at ${apiBase}: connection refused (is the server running? --api-base)`);
  if (code === 'ENOTFOUND') return new CliError(`cannot reach the Cashbook API at ${apiBase}: host not found (--api-base)`);
  if ((error as Error).name === 'TimeoutError') return new CliError(`the Cashbook API at ${apiBase} did not answer within the time allowed`);
  if (error instanceof TypeError && error.message === 'fetch failed') return new CliError(`cannot reach the Cashbook API at ${apiBase}: ${plainMessage(error).replace(/^fetch failed: /, '')} (--api-base)`);
  if (error instanceof SyntaxError) return new CliError(`${apiBase} did not answer like a Cashbook API (not JSON): check --api-base`);
  return error;
}

/** One API call; a Stripe error body becomes its message, a dead server a plain line. */
export async function callApi<T>(target: { apiBase: string; apiKey: string }, method: 'GET' | 'POST', path: string, body?: { text: string | Blob; type: string }): Promise<T> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${target.apiBase}${path}`, {
      method,
      headers: { authorization: `Bearer ${target.apiKey}`, ...(body ? { 'content-type': body.type } : {}) },
      body: body?.text,
      signal: AbortSignal.timeout(120_000),
    });
    text = await response.text();
  } catch (error) {
    throw connectionError(error, target.apiBase);
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const parsed = JSON.parse(text) as { error?: { message?: string; param?: string } };
      if (parsed.error?.message) message = `${response.status}: ${parsed.error.message}${parsed.error.param ? ` (${parsed.error.param})` : ''}`;
    } catch {
      // not JSON: the status says enough
    }
    throw new CliError(message);
  }
  if (!/json/.test(response.headers.get('content-type') ?? '')) return text as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw connectionError(error, target.apiBase);
  }
}
