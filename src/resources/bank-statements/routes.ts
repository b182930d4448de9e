// POST /cashbook/v1/bank_statements (the file itself as the body, any content type),
// GET /cashbook/v1/bank_statements[/:id], and the unmatched transfers:
// GET /cashbook/v1/unmatched_transfers[/:id], POST …/:id/assign, POST …/:id/return (paid back
// to the sender by the next payment file).
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.ts';
import { errors } from '../../core/errors.ts';
import { listObjects, listParams } from '../../wire/list.ts';
import { param, paramsObject } from '../../wire/params.ts';
import { addReadRoute, addWriteRoute, authenticateRequest, respondToWrite, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { readStatement } from './reader.ts';
import { importStatement, MAX_STATEMENT_BYTES, transferToWire, type BankStatement, type UnmatchedTransfer } from './service.ts';
import { assignTransfer, returnTransfer } from './unmatched.ts';

const STATEMENTS = '/cashbook/v1/bank_statements';
const UNMATCHED = '/cashbook/v1/unmatched_transfers';

export function bankStatementRoutes(app: FastifyInstance, deps: AppDeps): void {
  // The body is the statement file, whatever its Content-Type says: read it as text here only.
  void app.register(async (files) => {
    files.removeAllContentTypeParsers();
    files.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_STATEMENT_BYTES }, (_request, body, done) => done(null, body));
    files.post(STATEMENTS, async (request, reply) => {
      const ctx = await authenticateRequest(deps, request);
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const { text, parsed, formerly } = await readStatement(bytes);
      // Idempotency-Key as on every POST: the file is the request, so a retry of it gets the first answer back.
      return respondToWrite(deps, request, reply, ctx, { file: text }, async (tx) => toWire(await importStatement(tx, ctx, parsed, formerly)));
    });
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: STATEMENTS,
    params: paramsObject({ ...listParams }),
    handler: async ({ ctx, tx, params }) => listObjects(tx, ctx, 'bank_statements', 'bank_statement', STATEMENTS, params),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: `${STATEMENTS}/:id`,
    params: paramsObject({}),
    handler: async ({ ctx, tx, path }) => {
      const statement = await tx.get<BankStatement>('bank_statements', ctx.accountId, path.id);
      if (!statement) throw errors.noSuch('bank_statement', path.id, 'id');
      return toWire(statement);
    },
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: UNMATCHED,
    params: paramsObject({ ...listParams, status: param.enumOf(['open', 'assigned', 'returned', 'reversed']).optional() }),
    handler: async ({ ctx, tx, params }) => {
      const page = await listObjects(tx, ctx, 'unmatched_transfers', 'unmatched_transfer', UNMATCHED, params, params.status ? { status: params.status } : {});
      return { ...page, data: page.data.map((transfer) => transferToWire(transfer as unknown as UnmatchedTransfer)) };
    },
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: `${UNMATCHED}/:id`,
    params: paramsObject({}),
    handler: async ({ ctx, tx, path }) => {
      const transfer = await tx.get<UnmatchedTransfer>('unmatched_transfers', ctx.accountId, path.id);
      if (!transfer) throw errors.noSuch('unmatched_transfer', path.id, 'id');
      return transferToWire(transfer);
    },
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: `${UNMATCHED}/:id/assign`,
    params: paramsObject({ customer: param.string({ max: 255 }) }),
    handler: async ({ ctx, tx, params, path }) => transferToWire(await assignTransfer(tx, ctx, path.id, params.customer)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: `${UNMATCHED}/:id/return`,
    params: paramsObject({}),
    handler: async ({ ctx, tx, path }) => transferToWire(await returnTransfer(tx, ctx, path.id)),
  });
}
