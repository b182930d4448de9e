import type { FastifyInstance } from 'fastify';
import { registerExpandable, registerLoader } from '../../wire/expand.ts';
import { listObjects } from '../../wire/list.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { createInvoiceItemParams, listInvoiceItemsParams, retrieveInvoiceItemParams, updateInvoiceItemParams } from './params.ts';
import { createInvoiceItem, deleteInvoiceItem, invoiceItemWire, loadInvoiceItem, updateInvoiceItem, type InvoiceItem } from './service.ts';

export { invoiceItemWire };

registerLoader('ii', async (tx, ctx, id) => {
  const item = await tx.get<InvoiceItem>('invoice_items', ctx.accountId, id);
  return item && invoiceItemWire(item);
});
registerExpandable('invoiceitem', ['customer', 'invoice', 'test_clock']);
registerExpandable('line_item', ['invoice_item']);

export function invoiceItemRoutes(app: FastifyInstance, deps: AppDeps): void {
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/invoiceitems',
    params: createInvoiceItemParams,
    handler: async ({ ctx, tx, params }) => invoiceItemWire(await createInvoiceItem(tx, ctx, params)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/invoiceitems/:invoiceitem',
    params: retrieveInvoiceItemParams,
    handler: async ({ ctx, tx, path }) => invoiceItemWire(await loadInvoiceItem(tx, ctx, path.invoiceitem)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/invoiceitems/:invoiceitem',
    params: updateInvoiceItemParams,
    handler: async ({ ctx, tx, params, path }) => invoiceItemWire(await updateInvoiceItem(tx, ctx, path.invoiceitem, params)),
  });
  addWriteRoute(app, deps, {
    method: 'DELETE',
    url: '/v1/invoiceitems/:invoiceitem',
    params: retrieveInvoiceItemParams,
    handler: async ({ ctx, tx, path }) => deleteInvoiceItem(tx, ctx, path.invoiceitem),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/invoiceitems',
    params: listInvoiceItemsParams,
    handler: async ({ ctx, tx, params }) => {
      const where: Record<string, string | null> = {};
      if (params.customer !== undefined) where.customer = params.customer;
      if (params.invoice !== undefined) where.invoice = params.invoice;
      else if (params.pending === true) where.invoice = null;
      const attached = params.invoice === undefined && params.pending === false ? ['invoice'] : undefined;
      const list = await listObjects(tx, ctx, 'invoice_items', 'invoiceitem', '/v1/invoiceitems', params, where, attached);
      list.data = list.data.map(invoiceItemWire);
      return list;
    },
  });
}
