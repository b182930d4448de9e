// The PaymentIntent state machine's pure functions: transitions, confirm, apply, amount change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ALLOWED_FROM, decideAmountChange, decideApply, decideConfirm, fundIntent, transitionError, type IntentStatus } from '../../src/core/payment-intent.ts';

const STATUSES: IntentStatus[] = ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'requires_capture', 'succeeded', 'canceled'];

describe('payment intent state machine', () => {
  it('names the allowed statuses in Stripe’s message, and allows exactly those', () => {
    assert.equal(
      transitionError('cancel', 'succeeded'),
      'You cannot cancel this PaymentIntent because it has a status of succeeded. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action.',
    );
    for (const action of Object.keys(ALLOWED_FROM) as (keyof typeof ALLOWED_FROM)[]) {
      for (const status of STATUSES) assert.equal(transitionError(action, status) === null, ALLOWED_FROM[action].includes(status), `${action} from ${status}`);
    }
    for (const action of ['confirm', 'cancel', 'apply_customer_balance', 'update'] as const) assert.notEqual(transitionError(action, 'canceled'), null);
  });

  it('confirm: succeeds when covered, else applies at most the balance (automatic only) or fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 20_000 }), fc.constantFrom('automatic', 'manual' as const), fc.boolean(), fc.boolean(), (amount, balance, mode, bank, forInvoice) => {
        const outcome = decideConfirm({ amount, applied: 0, balance, mode: mode as 'automatic' | 'manual', fundingType: bank ? 'bank_transfer' : null, forInvoice });
        if (balance >= amount) assert.deepEqual(outcome, { kind: 'succeed', apply: amount });
        else if (!bank) assert.deepEqual(outcome, { kind: 'fail' });
        else {
          assert.equal(outcome.kind, 'requires_action');
          if (outcome.kind !== 'requires_action') return;
          assert.equal(outcome.apply, mode === 'automatic' && !forInvoice ? balance : 0);
          assert.equal(outcome.remaining, amount - outcome.apply);
          assert.ok(outcome.remaining > 0);
        }
      }),
    );
  });

  it('apply: never more than remaining or available; invoices all or nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 4999 }), fc.option(fc.integer({ min: 1, max: 6000 }), { nil: undefined }), fc.integer({ min: 0, max: 6000 }), fc.boolean(), (amount, appliedRaw, requested, available, forInvoice) => {
        const applied = appliedRaw % amount;
        const remaining = amount - applied;
        const outcome = decideApply({ amount, applied, requested, available, currency: 'usd', forInvoice });
        if (!outcome.ok) return;
        assert.ok(outcome.apply >= 1 && outcome.apply <= remaining && outcome.apply <= available);
        if (forInvoice) assert.equal(outcome.apply, remaining);
        else if (requested !== undefined) assert.equal(outcome.apply, requested);
        else assert.equal(outcome.apply, Math.min(remaining, available));
      }),
    );
    assert.equal(decideApply({ amount: 100, applied: 0, requested: undefined, available: 0, currency: 'usd', forInvoice: false }).ok, false);
    assert.deepEqual(decideApply({ amount: 100, applied: 0, requested: 150, available: 500, currency: 'usd', forInvoice: false }).ok, false);
    // Amounts in messages read as money, not minor units: 1234 is 12.34 USD, and ¥1234 is 1,234 JPY.
    assert.deepEqual(decideApply({ amount: 5000, applied: 0, requested: 2000, available: 1234, currency: 'usd', forInvoice: false }), { ok: false, message: "The amount 20.00 USD exceeds the customer's available cash balance of 12.34 USD.", param: 'amount' });
    assert.deepEqual(decideApply({ amount: 5000, applied: 0, requested: 1000, available: 1234, currency: 'jpy', forInvoice: true }), { ok: false, message: "The customer's cash balance (1,234 JPY) does not cover the 5,000 JPY this invoice's PaymentIntent requires; invoices are never partially funded.", param: 'amount' });
  });

  it('fundIntent refuses to exceed the amount; amount change releases all applied cash from requires_action', () => {
    assert.deepEqual(fundIntent(1000, 400, 600), { applied: 1000, remaining: 0, complete: true });
    assert.throws(() => fundIntent(1000, 400, 601), /invariant/);
    assert.throws(() => fundIntent(1000, 0, 0), /invariant/);
    assert.deepEqual(decideAmountChange('requires_action', 400), { status: 'requires_confirmation', release: 400, clearNextAction: true });
    assert.deepEqual(decideAmountChange('requires_confirmation', 0), { status: 'requires_confirmation', release: 0, clearNextAction: false });
  });
});
