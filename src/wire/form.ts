// Decoding of form bodies and query strings with bracket nesting (qs), and JSON bodies.
import type { FastifyInstance } from 'fastify';
import qs from 'qs';
import { ApiError } from '../core/errors.ts';

const decodeComponent = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));

const QS_OPTIONS: qs.IParseOptions = {
  depth: 6,
  strictDepth: true,
  arrayLimit: 100,
  parameterLimit: 1000,
  // Objects without a prototype: `metadata[constructor]` or `metadata[toString]` are keys like
  // any other (qs drops names of Object.prototype's properties otherwise), and an unknown
  // top-level `toString` is refused like any unknown parameter.
  plainObjects: true,
  allowPrototypes: false,
  allowDots: false,
  // Past the limits a request is refused, never silently truncated (qs would drop the rest).
  throwOnLimitExceeded: true,
  // Strict percent-decoding: a malformed escape (`%ZZ`, `%E0%A4%A`) is a bad request, not text.
  decoder: (text: string) => decodeComponent(text),
};

/** A parameter name: a name, then `[key]` or `[]` parts, no bracket inside a part (`metadata[a]b]` is not one). */
const PARAMETER_NAME = /^[^[\]]+(?:\[[^[\]]*\])*$/;

/** The first name in `text` that qs would misread (it drops what follows a stray bracket), if any. */
function malformedName(text: string): string | undefined {
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const raw = pair.split('=', 1)[0];
    const name = raw.includes('%') || raw.includes('+') ? decodeComponent(raw) : raw;
    if (!PARAMETER_NAME.test(name)) return name;
  }
  return undefined;
}

/** `__proto__` as a name or key: refused, as qs would drop it silently (Stripe is silent on it). */
function protoName(text: string): string | undefined {
  if (!text.includes('proto') && !text.includes('%')) return undefined; // an encoded one is decoded below
  for (const pair of text.split('&')) {
    const raw = pair.split('=', 1)[0];
    const name = raw.includes('%') || raw.includes('+') ? decodeComponent(raw) : raw;
    if (/(?:^|\[)__proto__(?:[[\]]|$)/.test(name)) return name;
  }
  return undefined;
}

export const PROTO_KEY_MESSAGE = '`__proto__` cannot be used as a parameter name or a key.';

export function decodeForm(text: string): Record<string, unknown> {
  try {
    const bad = malformedName(text);
    if (bad !== undefined) {
      throw new ApiError(`Invalid parameter name: '${bad}'. A name is a word followed by [key] parts, and a key cannot contain '[' or ']'.`, { param: bad });
    }
    const proto = protoName(text);
    if (proto !== undefined) throw new ApiError(`Invalid parameter name: '${proto}'. ${PROTO_KEY_MESSAGE}`, { param: proto });
    return qs.parse(text, QS_OPTIONS) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof URIError) throw new ApiError('Invalid request: the parameters contain a malformed percent-encoded sequence.');
    if (error instanceof RangeError && /limit exceeded/.test(error.message)) throw new ApiError(`Invalid request: ${error.message}`);
    throw new ApiError(`Invalid request: parameters are nested more than ${QS_OPTIONS.depth} levels deep or are malformed.`);
  }
}

/** Deeper than any Stripe parameter (a form allows 6 bracket levels; JSON arrays add one per level). */
const JSON_DEPTH = 20;

/** A JSON body: an object, without `__proto__` or `constructor.prototype` keys. */
export function decodeJson(text: string): unknown {
  if (text.trim() === '') return undefined; // no parameters, as an empty form body
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError('Invalid request: the body is not valid JSON.');
  }
  // Iterative, so no nesting depth can overflow the stack; past the form's depth it is a 400.
  const stack: { value: unknown; depth: number }[] = [{ value: parsed, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > JSON_DEPTH) throw new ApiError(`Invalid request: the JSON body is nested more than ${JSON_DEPTH} levels deep.`);
    for (const [key, child] of Object.entries(value)) {
      if (key === '__proto__' || (key === 'constructor' && child !== null && typeof child === 'object' && 'prototype' in child)) {
        throw new ApiError(`Invalid request: ${PROTO_KEY_MESSAGE}`);
      }
      stack.push({ value: child, depth: depth + 1 });
    }
  }
  return parsed;
}

/**
 * A body the parsers refuse becomes a marker that the preValidation hook throws: an error
 * from a parser itself makes Fastify close the connection, and a request pipelined behind it
 * would then run without its answer ever being sent.
 */
const REFUSED_BODY = Symbol('refused body');

function parsed(decode: () => unknown): unknown {
  try {
    return decode();
  } catch (error) {
    return { [REFUSED_BODY]: error };
  }
}

export function installFormParsing(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const error = malformedQuery(request.query);
    if (error) throw error;
    const refused = request.body && typeof request.body === 'object' ? (request.body as Record<symbol, unknown>)[REFUSED_BODY] : undefined;
    if (refused) throw refused;
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parsed(() => decodeForm(body as string)));
  });
  // JSON bodies: Fastify's parser would call a `__proto__` key "not valid JSON".
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parsed(() => decodeJson(body as string)));
  });
  // SDKs send a form content type on GET and DELETE too, with no body; fetch sends text/plain.
  app.addContentTypeParser(['text/plain', '*'], { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).length === 0) return done(null, undefined);
    const type = request.headers['content-type'];
    done(null, { [REFUSED_BODY]: new ApiError(type ? `Unsupported content type: ${type}. Send application/x-www-form-urlencoded.` : 'A body needs a Content-Type: send application/x-www-form-urlencoded.') });
  });
}

const MALFORMED_QUERY = Symbol('malformed query');

/**
 * The router parses the query string while routing, where a throw would escape Fastify and
 * crash the process: a malformed query becomes a marker that a hook turns into the 400.
 */
export const queryStringParser = (text: string): Record<string, unknown> => {
  try {
    return decodeForm(text);
  } catch (error) {
    return { [MALFORMED_QUERY]: error } as Record<string, unknown>;
  }
};

function malformedQuery(query: unknown): unknown {
  return query && typeof query === 'object' ? (query as Record<symbol, unknown>)[MALFORMED_QUERY] : undefined;
}
