// Helpers shared by the bank-statements, live-money-out and random-workload suites (not a test file).
import type Stripe from 'stripe';

/** One line of a `bank_statement` as the API answers it. */
export interface StatementLine {
  index: number;
  amount: number;
  currency: string;
  direction: string;
  booking_date: string | null;
  bank_reference: string | null;
  status: string;
  customer: string | null;
  cash_balance_transaction: string | null;
  unmatched_transfer: string | null;
  refund: string | null;
  reason: string | null;
}

export interface Statement {
  id: string;
  object: string;
  created: number;
  livemode: boolean;
  format: string;
  statement_id: string | null;
  account: string | null;
  lines: StatementLine[];
  error?: { type: string; message: string; param?: string };
}

/** The customer's virtual account for a currency (its funding instructions): the number a bank credits. */
export async function virtualAccount(stripe: Stripe, customer: string, currency: 'eur' | 'gbp' | 'usd'): Promise<{ account: string; sortCode?: string; routing?: string; livemode: boolean }> {
  const type = { eur: 'eu_bank_transfer', gbp: 'gb_bank_transfer', usd: 'us_bank_transfer' }[currency] as Stripe.CustomerCreateFundingInstructionsParams.BankTransfer.Type;
  const instructions = await stripe.customers.createFundingInstructions(customer, {
    bank_transfer: { type, ...(currency === 'eur' ? { eu_bank_transfer: { country: 'NL' } } : {}) },
    currency,
    funding_type: 'bank_transfer',
  });
  const address = instructions.bank_transfer.financial_addresses[0];
  const { livemode } = instructions;
  if (address.iban) return { account: address.iban.iban, livemode };
  if (address.sort_code) return { account: address.sort_code.account_number, sortCode: address.sort_code.sort_code, livemode };
  return { account: address.aba!.account_number, routing: address.aba!.routing_number, livemode };
}
