import type { FastifyInstance } from 'fastify';
import { errors } from '../../core/errors.ts';
import { BANK_TRANSFER_TYPE_BY_CURRENCY, type CashCurrency } from '../../core/money.ts';
import { registerExpandable, registerLoader } from '../../wire/expand.ts';
import { assertCursorsOf, listObjects } from '../../wire/list.ts';
import { addReadRoute, addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { toWire } from '../../wire/wire-object.ts';
import { loadCustomer, lockCustomer } from '../customers/service.ts';
import { receiveBankTransfer } from './inflow.ts';
import { fundCashBalanceParams, listCashTransactionsParams, retrieveCashBalanceParams, updateCashBalanceParams } from './params.ts';
import { cashBalanceObject, type CashBalanceTransaction } from './service.ts';
import { sampleSender } from './test-transfer.ts';
import { customerContext } from '../test-clocks/service.ts';
import { reverseFunding } from '../refunds/unreconciled.ts';

registerLoader('ccsbtxn', async (tx, ctx, id) => {
  const entry = await tx.get<CashBalanceTransaction>('cash_balance_transactions', ctx.accountId, id);
  return entry && toWire(entry);
});
registerExpandable('customer_cash_balance_transaction', [
  'customer',
  'adjusted_for_overdraft.balance_transaction',
  'adjusted_for_overdraft.linked_transaction',
  'applied_to_payment.payment_intent',
  'refunded_from_payment.refund',
  'transferred_to_balance.balance_transaction',
  'unapplied_from_payment.payment_intent',
]);

export function cashBalanceRoutes(app: FastifyInstance, deps: AppDeps): void {
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/customers/:customer/cash_balance',
    params: retrieveCashBalanceParams,
    handler: async ({ ctx, tx, path }) => cashBalanceObject(tx, ctx, await loadCustomer(tx, ctx, path.customer)),
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/customers/:customer/cash_balance',
    params: updateCashBalanceParams,
    handler: async ({ ctx, tx, params, path }) => {
      const customer = await lockCustomer(tx, ctx, path.customer);
      const mode = params.settings?.reconciliation_mode;
      if (mode !== undefined) {
        customer._reconciliation_mode = mode === 'merchant_default' ? null : (mode as 'automatic' | 'manual');
        await tx.update('customers', ctx.accountId, customer);
      }
      return cashBalanceObject(tx, ctx, customer);
    },
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/customers/:customer/cash_balance_transactions',
    params: listCashTransactionsParams,
    handler: async ({ ctx, tx, params, path }) => {
      await loadCustomer(tx, ctx, path.customer);
      await assertCursorsOf(tx, ctx, 'cash_balance_transactions', 'customer_cash_balance_transaction', params, 'customer', path.customer);
      const url = `/v1/customers/${path.customer}/cash_balance_transactions`;
      return listObjects(tx, ctx, 'cash_balance_transactions', 'customer_cash_balance_transaction', url, params, { customer: path.customer });
    },
  });
  addReadRoute(app, deps, {
    method: 'GET',
    url: '/v1/customers/:customer/cash_balance_transactions/:transaction',
    params: retrieveCashBalanceParams,
    handler: async ({ ctx, tx, path }) => {
      await loadCustomer(tx, ctx, path.customer);
      const entry = await tx.get<CashBalanceTransaction>('cash_balance_transactions', ctx.accountId, path.transaction);
      if (!entry || entry.customer !== path.customer) throw errors.noSuch('customer_cash_balance_transaction', path.transaction, 'transaction');
      return toWire(entry);
    },
  });
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/v1/test_helpers/customers/:customer/fund_cash_balance',
    params: fundCashBalanceParams,
    testModeOnly: true,
    handler: async ({ ctx, tx, params, path }) => {
      const customer = await lockCustomer(tx, ctx, path.customer);
      const type = BANK_TRANSFER_TYPE_BY_CURRENCY[params.currency as CashCurrency];
      const clocked = await customerContext(tx, ctx, customer); // a customer on a test clock lives at its time
      const funded = await receiveBankTransfer(tx, clocked, customer, params.currency, params.amount, {
        type,
        reference: params.reference ?? null,
        sender: sampleSender(type),
      });
      // Stripe's test convention: a `reversal_` reference simulates the sending bank pulling it back.
      if (params.reference?.startsWith('reversal_')) await reverseFunding(tx, clocked, customer, funded);
      return toWire(funded);
    },
  });
}
