// Decoding of form bodies and query strings with bracket nesting (qs), and JSON bodies.
import type { FastifyInstance } from 'fastify';
import qs from 'qs';
import { ApiError } from '../core/errors.ts';

const QS_OPTIONS: qs.IParseOptions = {
  depth: 6,
  strictDepth: true,
  arrayLimit: 100,
  parameterLimit: 1000,
  allowPrototypes: false,
  allowDots: false,
};

export function decodeForm(text: string): Record<string, unknown> {
  try {
    return qs.parse(text, QS_OPTIONS) as Record<string, unknown>;
  } catch {
    throw new ApiError('Invalid request: parameters are nested too deeply or are malformed.');
  }
}

export function installFormParsing(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, decodeForm(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // SDKs send a form content type on GET and DELETE too, with no body.
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).length === 0) return done(null, undefined);
    done(new ApiError(`Unsupported content type: ${request.headers['content-type']}. Send application/x-www-form-urlencoded.`), undefined);
  });
}

export const queryStringParser = (text: string): Record<string, unknown> => decodeForm(text);
