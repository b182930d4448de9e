import type { FastifyInstance } from 'fastify';
import { registerExpandable, registerLoader } from '../../wire/expand.ts';
import { listObjects } from '../../wire/list.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { linesPage, presentInvoice, type Invoice } from './object.ts';
import {
  createInvoiceParams,
  finalizeInvoiceParams,
  listInvoicesParams,
  listLinesParams,
  payInvoiceParams,
  retrieveInvoiceParams,
  updateInvoiceParams,
  voidInvoiceParams,
} from './params.ts';
import { createInvoice, deleteInvoice, finalizeInvoice, loadInvoice, payInvoice, updateInvoice, voidInvoice } from './service.ts';

registerLoader('in', async (tx, ctx, id) => {
  const invoice = await tx.get<Invoice>('invoices', ctx.accountId, id);
  return invoice && presentInvoice(tx, ctx, invoice);
});
registerExpandable('invoice', ['customer', 'payment_intent', 'charge', 'default_payment_method', 'test_clock', 'latest_revision']);

export function invoiceRoutes(app: FastifyInstance, deps: AppDeps): void {
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/invoices',
    params: createInvoiceParams,
    handler: async ({ ctx, tx, params }) => presentInvoice(tx, ctx, await createInvoice(tx, ctx, params)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/invoices/:invoice',
    params: retrieveInvoiceParams,
    handler: async ({ ctx, tx, path }) => presentInvoice(tx, ctx, await loadInvoice(tx, ctx, path.invoice)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/invoices/:invoice',
    params: updateInvoiceParams,
    handler: async ({ ctx, tx, params, path }) => presentInvoice(tx, ctx, await updateInvoice(tx, ctx, path.invoice, params)),
  });
  addWriteRoute(app, deps, {
    method: 'DELETE',
    url: '/v1/invoices/:invoice',
    params: retrieveInvoiceParams,
    handler: async ({ ctx, tx, path }) => deleteInvoice(tx, ctx, path.invoice),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/invoices/:invoice/finalize',
    params: finalizeInvoiceParams,
    handler: async ({ ctx, tx, params, path }) => presentInvoice(tx, ctx, await finalizeInvoice(tx, ctx, path.invoice, params.auto_advance)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/invoices/:invoice/pay',
    params: payInvoiceParams,
    handler: async ({ ctx, tx, params, path }) => presentInvoice(tx, ctx, await payInvoice(tx, ctx, path.invoice, params)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/invoices/:invoice/void',
    params: voidInvoiceParams,
    handler: async ({ ctx, tx, path }) => presentInvoice(tx, ctx, await voidInvoice(tx, ctx, path.invoice)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/invoices/:invoice/lines',
    params: listLinesParams,
    handler: async ({ ctx, tx, params, path }) => {
      const invoice = await loadInvoice(tx, ctx, path.invoice);
      return linesPage(invoice, params);
    },
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/invoices',
    params: listInvoicesParams,
    handler: async ({ ctx, tx, params }) => {
      const where: Record<string, string> = {};
      if (params.customer !== undefined) where.customer = params.customer;
      if (params.status !== undefined) where.status = params.status;
      if (params.collection_method !== undefined) where.collection_method = params.collection_method;
      const list = await listObjects(tx, ctx, 'invoices', 'invoice', '/v1/invoices', params, where);
      list.data = await Promise.all(list.data.map((invoice) => presentInvoice(tx, ctx, invoice as unknown as Invoice)));
      return list;
    },
  });
}
