import type { FastifyInstance } from 'fastify';
import { registerExpandable, registerIncludable, registerLoader } from '../../wire/expand.ts';
import { listObjects } from '../../wire/list.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { cashBalanceObject } from '../cash-balance/service.ts';
import { createCustomerParams, listCustomersParams, retrieveParams, updateCustomerParams } from './params.ts';
import { createCustomer, deleteCustomer, deletedCustomer, loadCustomer, updateCustomer, type Customer } from './service.ts';

registerLoader('cus', async (tx, ctx, id) => {
  const customer = await tx.get<Customer>('customers', ctx.accountId, id);
  if (!customer) return undefined;
  return customer._deleted ? deletedCustomer(id) : toWire(customer);
});
registerIncludable('customer', 'cash_balance', async (tx, ctx, object) => cashBalanceObject(tx, ctx, await loadCustomer(tx, ctx, object.id as string)));
registerExpandable('customer', ['default_source', 'test_clock', 'invoice_settings.default_payment_method']);

export function customerRoutes(app: FastifyInstance, deps: AppDeps): void {
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/customers',
    params: createCustomerParams,
    handler: async ({ ctx, tx, params }) => toWire(await createCustomer(tx, ctx, params)),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/customers/:customer',
    params: retrieveParams,
    handler: async ({ ctx, tx, path }) => {
      const customer = await tx.get<Customer>('customers', ctx.accountId, path.customer);
      if (customer?._deleted) return deletedCustomer(customer.id);
      return toWire(await loadCustomer(tx, ctx, path.customer));
    },
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/customers/:customer',
    params: updateCustomerParams,
    handler: async ({ ctx, tx, params, path }) => toWire(await updateCustomer(tx, ctx, path.customer, params)),
  });
  addWriteRoute(app, deps, {
    method: 'DELETE',
    url: '/v1/customers/:customer',
    params: retrieveParams,
    handler: async ({ ctx, tx, path }) => deleteCustomer(tx, ctx, path.customer),
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/customers',
    params: listCustomersParams,
    handler: async ({ ctx, tx, params }) => {
      const where: Record<string, string | number | null> = { _deleted: null };
      if (params.email !== undefined) where.email = params.email;
      // Stripe: "The response will not include customers with test clocks if this parameter is not set."
      where.test_clock = params.test_clock ?? null;
      return listObjects(tx, ctx, 'customers', 'customer', '/v1/customers', params, where);
    },
  });
}
