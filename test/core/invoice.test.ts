import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvariantError } from '../../src/core/errors.ts';
import {
  applyCreditAtFinalization,
  chargeability,
  checkInvoiceAmounts,
  formatInvoiceNumber,
  invoiceTotals,
  isReconciliationCandidate,
  referenceMatchesNumber,
} from '../../src/core/invoice.ts';

const DAY = 86_400;

describe('invoice core', () => {
  it('applies a credit larger and smaller than the total, a debit, and nothing', () => {
    assert.deepEqual(applyCreditAtFinalization(3000, -5000), { startingBalance: -5000, endingBalance: -2000, amountDue: 0, transactionAmount: 3000 });
    assert.deepEqual(applyCreditAtFinalization(3000, -1000), { startingBalance: -1000, endingBalance: 0, amountDue: 2000, transactionAmount: 1000 });
    assert.deepEqual(applyCreditAtFinalization(3000, 500), { startingBalance: 500, endingBalance: 0, amountDue: 3500, transactionAmount: -500 });
    assert.deepEqual(applyCreditAtFinalization(3000, 0), { startingBalance: 0, endingBalance: 0, amountDue: 3000, transactionAmount: 0 });
    assert.deepEqual(applyCreditAtFinalization(0, -10), { startingBalance: -10, endingBalance: -10, amountDue: 0, transactionAmount: 0 });
    assert.throws(() => applyCreditAtFinalization(-1, 0), InvariantError);
  });

  it('keeps amount_due = total + starting - ending and never over-applies (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }), (total, balance) => {
        const result = applyCreditAtFinalization(total, balance);
        assert.equal(result.amountDue, total + balance - result.endingBalance);
        assert.equal(result.transactionAmount, result.endingBalance - balance);
        assert.ok(result.amountDue >= 0 && result.endingBalance <= 0);
        if (balance < 0) assert.ok(result.transactionAmount >= 0 && result.transactionAmount <= Math.min(total, -balance));
      }),
    );
  });

  it('classifies amounts due against the minimum and maximum chargeable amounts', () => {
    assert.equal(chargeability(0, 'usd'), 'zero');
    assert.equal(chargeability(49, 'usd'), 'too_small');
    assert.equal(chargeability(50, 'usd'), 'chargeable');
    assert.equal(chargeability(29, 'gbp'), 'too_small');
    assert.equal(chargeability(999, 'mxn'), 'too_small');
    assert.equal(chargeability(99_999_999, 'usd'), 'chargeable');
    assert.equal(chargeability(100_000_000, 'usd'), 'too_large');
  });

  it('checks that an invoice adds up', () => {
    const open = { status: 'open' as const, subtotal: 3000, total: 3000, starting_balance: -1000, ending_balance: 0, amount_due: 2000, amount_paid: 0, amount_remaining: 2000, lineAmounts: [1000, 2000] };
    checkInvoiceAmounts(open);
    checkInvoiceAmounts({ ...open, status: 'paid', amount_paid: 2000, amount_remaining: 0 });
    assert.throws(() => checkInvoiceAmounts({ ...open, total: 2999 }), InvariantError);
    assert.throws(() => checkInvoiceAmounts({ ...open, amount_remaining: 1999 }), InvariantError);
    assert.throws(() => checkInvoiceAmounts({ ...open, amount_due: 2500, amount_remaining: 2500 }), InvariantError);
    assert.throws(() => checkInvoiceAmounts({ ...open, status: 'paid' }), InvariantError);
    assert.throws(() => checkInvoiceAmounts({ ...open, amount_paid: 3000, amount_remaining: -1000 }), InvariantError);
    assert.throws(() => checkInvoiceAmounts({ ...open, status: 'draft' }), InvariantError);
    assert.deepEqual(invoiceTotals([1, 2, 3]), { subtotal: 6, total: 6 });
  });

  it('numbers invoices and matches transfer references', () => {
    assert.equal(formatInvoiceNumber('ACME', 1), 'ACME-0001');
    assert.equal(formatInvoiceNumber('ACME', 12345), 'ACME-12345');
    assert.throws(() => formatInvoiceNumber('ACME', 0), InvariantError);
    assert.equal(referenceMatchesNumber('  acme-0001 ', 'ACME-0001'), true);
    assert.equal(referenceMatchesNumber('ACME-00011', 'ACME-0001'), false);
    assert.equal(referenceMatchesNumber(null, 'ACME-0001'), false);
  });

  it('makes open customer_balance invoices candidates up to 30 days past due', () => {
    const now = 100 * DAY;
    const base = { status: 'open' as const, currency: 'usd', due_date: now, amount_remaining: 100, payment_method_types: ['customer_balance'] };
    assert.equal(isReconciliationCandidate(base, 'usd', now), true);
    assert.equal(isReconciliationCandidate({ ...base, due_date: null }, 'usd', now), true);
    assert.equal(isReconciliationCandidate({ ...base, due_date: now - 29 * DAY }, 'usd', now), true);
    assert.equal(isReconciliationCandidate({ ...base, due_date: now - 30 * DAY }, 'usd', now), false);
    assert.equal(isReconciliationCandidate({ ...base, currency: 'eur' }, 'usd', now), false);
    assert.equal(isReconciliationCandidate({ ...base, status: 'paid' }, 'usd', now), false);
    assert.equal(isReconciliationCandidate({ ...base, payment_method_types: ['card'] }, 'usd', now), false);
    assert.equal(isReconciliationCandidate({ ...base, payment_method_types: null }, 'usd', now), false);
  });
});
