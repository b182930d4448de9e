import type { FastifyInstance } from 'fastify';
import { registerExpandable, registerIncludable, registerLoader } from '../../wire/expand.ts';
import { assertCursorsOf, listObjects } from '../../wire/list.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { loadCustomer } from '../customers/service.ts';
import {
  createBalanceTransactionParams,
  listBalanceTransactionsParams,
  retrieveBalanceTransactionParams,
  updateBalanceTransactionParams,
} from './params.ts';
import { createAdjustment, creditBalances, loadBalanceTransaction, updateBalanceTransaction, type CustomerBalanceTransaction } from './service.ts';

registerLoader('cbtxn', async (tx, ctx, id) => {
  const entry = await tx.get<CustomerBalanceTransaction>('customer_balance_transactions', ctx.accountId, id);
  return entry && toWire(entry);
});
registerExpandable('customer_balance_transaction', ['customer', 'invoice', 'credit_note']);
// Same sign as `balance` (negative is credit): the spec's deliberate choice over the schema text.
registerIncludable('customer', 'invoice_credit_balance', async (tx, ctx, object) => creditBalances(await loadCustomer(tx, ctx, object.id as string)));

export function customerBalanceTransactionRoutes(app: FastifyInstance, deps: AppDeps): void {
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/customers/:customer/balance_transactions',
    params: createBalanceTransactionParams,
    handler: async ({ ctx, tx, params, path }) => toWire(await createAdjustment(tx, ctx, path.customer, params)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/customers/:customer/balance_transactions/:transaction',
    params: retrieveBalanceTransactionParams,
    handler: async ({ ctx, tx, path }) => toWire(await loadBalanceTransaction(tx, ctx, path.customer, path.transaction)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/customers/:customer/balance_transactions/:transaction',
    params: updateBalanceTransactionParams,
    handler: async ({ ctx, tx, params, path }) => toWire(await updateBalanceTransaction(tx, ctx, path.customer, path.transaction, params)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/customers/:customer/balance_transactions',
    params: listBalanceTransactionsParams,
    handler: async ({ ctx, tx, params, path }) => {
      await loadCustomer(tx, ctx, path.customer);
      await assertCursorsOf(tx, ctx, 'customer_balance_transactions', 'customer balance transaction', params, 'customer', path.customer);
      const where: Record<string, string> = { customer: path.customer };
      if (params.invoice !== undefined) where.invoice = params.invoice;
      return listObjects(tx, ctx, 'customer_balance_transactions', 'customer balance transaction', `/v1/customers/${path.customer}/balance_transactions`, params, where);
    },
  });
}
