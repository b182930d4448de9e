// Replies the HTTP layer makes before a route runs (a URL the router cannot decode, an id
// past the router's length limit, a request Node's parser refuses) in Stripe's error shape,
// so that SDKs read them as they read every other error.
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.ts';
import { randomBase62 } from '../core/ids.ts';

/** Path parameters longer than this are answered 404 without a lookup (no id is that long). */
export const MAX_PARAM_LENGTH = 1024;

function sendApiError(reply: FastifyReply, error: ApiError): void {
  reply.code(error.status).header('content-type', 'application/json').send(JSON.stringify(error.toBody()));
}

/** Fastify's `frameworkErrors`: router failures that happen before any route or hook. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('request-id', request.id);
  const path = request.raw.url?.split('?')[0] ?? '';
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    const id = path.split('/').reduce((a, b) => (b.length > a.length ? b : a), '');
    const shown = id.length > 64 ? `${id.slice(0, 64)}…` : id;
    return sendApiError(reply, new ApiError(`No such object: '${shown}' (ids are at most ${MAX_PARAM_LENGTH} characters)`, { status: 404, code: 'resource_missing', param: 'id' }));
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return sendApiError(reply, new ApiError(`Invalid request URL: ${JSON.stringify(path.slice(0, 200))} contains a malformed percent-encoded sequence.`, { status: 400 }));
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  return sendApiError(reply, new ApiError(`Invalid request: ${error.message}`, { status }));
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 405: 'Method Not Allowed', 408: 'Request Timeout', 413: 'Payload Too Large', 417: 'Expectation Failed', 431: 'Request Header Fields Too Large' };

/** What Node's HTTP parser refused, as a status and a message a client can act on. */
function describeClientError(error: NodeJS.ErrnoException): { status: number; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'The request line or headers are too large (at most 16 KB in all): send long parameters in a form-encoded POST body.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'The request took too long to arrive.' };
    case 'HPE_INVALID_METHOD':
      return { status: 400, message: 'Malformed HTTP request: unknown method.' };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, message: 'Malformed HTTP request: more than one Content-Length header.' };
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return /Content-Length/.test(String((error as { reason?: unknown }).reason))
        ? { status: 400, message: 'Malformed HTTP request: both Content-Length and Transfer-Encoding are set.' }
        : { status: 400, message: 'Malformed HTTP request: invalid Transfer-Encoding.' };
    case 'HPE_INVALID_CONTENT_LENGTH':
      return { status: 400, message: 'Malformed HTTP request: invalid Content-Length.' };
    default:
      return { status: 400, message: `Malformed HTTP request${error.code?.startsWith('HPE_') ? ` (${error.code.slice(4).toLowerCase().replaceAll('_', ' ')})` : ''}.` };
  }
}

/** The response Node's HTTP server has attached to a socket and not yet finished (an earlier pipelined request's). */
function pendingResponse(socket: Socket): NodeJS.EventEmitter | undefined {
  const attached = (socket as Socket & { _httpMessage?: NodeJS.EventEmitter & { writableFinished?: boolean; req?: { complete?: boolean } } })._httpMessage;
  // A request whose own body is the malformed part will never be answered: no waiting for it.
  return attached && !attached.writableFinished && attached.req?.complete === true ? attached : undefined;
}

/**
 * Fastify's `clientErrorHandler` (Node's 'clientError'): answers once, then closes the socket.
 * Requests pipelined before the malformed one are answered first: their effects may already be
 * committed, and a client told only "400" would retry them.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const pending = pendingResponse(socket);
  if (pending) {
    // After 'finish' Node attaches the next queued response, if any: look again then.
    let again = false;
    const next = () => {
      if (again) return;
      again = true;
      setImmediate(() => clientErrorHandler(error, socket));
    };
    pending.once('finish', next);
    pending.once('close', next);
    return;
  }
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const { status, message } = describeClientError(error);
  socket.end(rawReply(status, message));
}

/** A raw Stripe-shaped reply that closes the connection (no route runs). */
function rawReply(status: number, message: string): string {
  const body = JSON.stringify(new ApiError(message, { status }).toBody());
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRequest-Id: req_${randomBase62(14)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Replies Node's HTTP server would make itself, with no body: an `Expect` other than
 * 100-continue (417) and a CONNECT (which no Stripe endpoint takes), in Stripe's shape.
 */
export function answerNodeReplies(server: import('node:http').Server): void {
  server.on('checkExpectation', (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => {
    const body = JSON.stringify(new ApiError(`Unsupported Expect header: ${String(request.headers.expect).slice(0, 100)}. Only 100-continue is understood.`, { status: 417 }).toBody());
    response.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'request-id': `req_${randomBase62(14)}`, connection: 'close' });
    response.end(body);
  });
  server.on('connect', (_request: import('node:http').IncomingMessage, socket: Socket) => {
    socket.on('error', () => undefined);
    socket.end(rawReply(405, 'CONNECT is not supported: Cashbook is no proxy.'));
  });
}
