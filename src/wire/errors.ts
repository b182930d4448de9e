// Turns every failure into Stripe's error body. Unknown failures never show their text.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.ts';

function fromFramework(error: FastifyError): ApiError | undefined {
  const status = error.statusCode ?? 500;
  if (status >= 500) return undefined;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError('Request body is too large.', { status: 413 });
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ApiError('Invalid request: send parameters as application/x-www-form-urlencoded or application/json.');
  }
  return new ApiError(`Invalid request: ${error.message}`);
}

/** A Stripe API version as SDKs send it: a date, with a release name since 2024 (`2025-11-17.clover`), and beta flags (`; feature=v1`). */
export const STRIPE_VERSION = /^\d{4}-\d{2}-\d{2}(?:\.[a-z]+)?(?:; *[\w.-]+=[\w.-]+)*$/;

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let apiError = error instanceof ApiError ? error : fromFramework(error);
    if (!apiError) {
      request.log.error({ err: error, requestId: request.id }, 'request failed');
      apiError = new ApiError('An unknown error occurred while processing your request.', { status: 500, type: 'api_error' });
    }
    reply.code(apiError.status).header('content-type', 'application/json');
    const version = request.headers['stripe-version'];
    if (typeof version === 'string' && STRIPE_VERSION.test(version)) reply.header('stripe-version', version); // errors name the version asked for too
    if (apiError.headers) for (const [name, value] of Object.entries(apiError.headers)) reply.header(name, value);
    return reply.send(JSON.stringify(apiError.toBody()));
  });
  const notFound = (request: FastifyRequest, reply: FastifyReply) => {
    const error = new ApiError(
      `Unrecognized request URL (${request.method}: ${request.url.split('?')[0]}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      { status: 404 },
    );
    reply.code(404).header('content-type', 'application/json').send(JSON.stringify(error.toBody()));
  };
  app.setNotFoundHandler(notFound);
  // Search paths take GET only (src/resources/search/); another method would reach a `/:id` route.
  for (const url of UNSERVED_PATHS) app.route({ method: ['POST', 'DELETE'], url, handler: notFound });
}

export const UNSERVED_PATHS = ['/v1/customers/search', '/v1/payment_intents/search', '/v1/invoices/search', '/v1/charges/search'];
