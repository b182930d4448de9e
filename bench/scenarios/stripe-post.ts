import { randomUUID } from 'node:crypto';
import { authHeaders, type Scenario } from '../scenario.ts';

/** The fund_cash_balance request, sent to the no-database POST of bench/bare-server.ts: the ceiling of a durable POST. */
export const stripeShapedPost: Scenario = {
  name: 'Stripe-shaped POST, no database (ceiling)',
  server: 'bare',
  requests: (target) => {
    let next = 0;
    return [
      {
        method: 'POST',
        path: '/v1/test_helpers/customers/x/fund_cash_balance',
        headers: { ...authHeaders({ ...target, key: 'sk_test_cashbook_bench_0000000000000000' }), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'amount=1234&currency=usd',
        setupRequest: (request) => ({
          ...request,
          path: `/v1/test_helpers/customers/cus_${next++ % 100}/fund_cash_balance`,
          headers: { ...request.headers, 'idempotency-key': randomUUID() },
        }),
      },
    ];
  },
};
