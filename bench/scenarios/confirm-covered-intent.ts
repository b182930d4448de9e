import { postCashTransactions } from '../../src/resources/cash-balance/service.ts';
import { authHeaders, type Scenario } from '../scenario.ts';
import { seedCustomers } from '../seed.ts';

const CUSTOMERS = 100;

/**
 * POST /v1/payment_intents with confirm=true for an amount the customer's cash balance covers:
 * create, confirm, applied_to_payment, charge and events in one request (the success path).
 */
export const confirmCoveredIntent: Scenario<{ customers: string[] }> = {
  name: 'confirm a covered PaymentIntent (create+confirm)',
  server: 'cashbook',
  seed: async (setup) => {
    const customers = await seedCustomers(setup, CUSTOMERS, 'confirm');
    await setup.store.write(async (tx) => {
      for (const customer of customers) {
        await postCashTransactions(tx, setup.ctx, customer, 'usd', [
          { type: 'funded', netAmount: 99_999_999, detail: { bank_transfer: { reference: null, type: 'us_bank_transfer', us_bank_transfer: { network: 'ach', sender_name: 'Bench Inc.' } } } },
        ]);
      }
    });
    return { customers };
  },
  requests: (target, { customers }) => {
    let next = 0;
    return [
      {
        method: 'POST',
        path: '/v1/payment_intents',
        headers: { ...authHeaders(target), 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (request) => ({
          ...request,
          body: `amount=100&currency=usd&customer=${customers[next++ % customers.length]}&payment_method_types[]=customer_balance&payment_method_data[type]=customer_balance&confirm=true`,
        }),
      },
    ];
  },
};
