// The pure parts of webhooks: signing (checked against the official SDK), the retry schedule
// and event-type matching.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import Stripe from 'stripe';
import { endpointWants, expandTypePattern, isValidTypePattern, typeMatches } from '../../src/core/event-types.ts';
import { LIVE_SCHEDULE, TEST_SCHEDULE, nextAttemptAt, parseSchedule } from '../../src/core/webhook-retry.ts';
import { signatureHeader, verifySignature } from '../../src/core/webhook-signature.ts';

describe('webhook signature', () => {
  it('matches the SDK: generateTestHeaderString and constructEvent agree with ours', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }), (text, key, t) => {
        const payload = JSON.stringify({ id: 'evt_1', object: 'event', text });
        const secret = `whsec_${key}`;
        const ours = signatureHeader(payload, secret, t);
        assert.equal(ours, Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: t }));
        assert.equal(Stripe.webhooks.constructEvent(payload, ours, secret, 300, undefined, t * 1000).id, 'evt_1');
        assert.deepEqual(verifySignature(payload, ours, secret, t), { ok: true, timestamp: t });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses tampering, other secrets, stale timestamps; accepts any of several v1', () => {
    const payload = '{"id":"evt_1"}';
    const header = signatureHeader(payload, ['whsec_old', 'whsec_new'], 1000);
    assert.equal(verifySignature(payload, header, 'whsec_new', 1000).ok, true);
    assert.equal(verifySignature(payload, header, 'whsec_old', 1000).ok, true);
    assert.equal(verifySignature(payload + ' ', header, 'whsec_new', 1000).ok, false);
    assert.equal(verifySignature(payload, header, 'whsec_other', 1000).ok, false);
    assert.deepEqual(verifySignature(payload, header, 'whsec_new', 1301), { ok: false, reason: 'Timestamp outside the tolerance zone (1000)' });
    assert.equal(verifySignature(payload, 'garbage', 'whsec_new', 1000).ok, false);
  });
});

describe('retry schedule', () => {
  it('gives the next attempt from the attempt number, and null when exhausted', () => {
    assert.equal(nextAttemptAt(TEST_SCHEDULE, 1, 0), 300_000);
    assert.equal(nextAttemptAt(TEST_SCHEDULE, 3, 1000), 1000 + 7_200_000);
    assert.equal(nextAttemptAt(TEST_SCHEDULE, 4, 0), null);
    assert.throws(() => nextAttemptAt(TEST_SCHEDULE, 0, 0), RangeError);
    assert.deepEqual(parseSchedule('0.05, 1,60'), [0.05, 1, 60]);
    assert.throws(() => parseSchedule('1,x'));
  });

  it('live mode retries with growing waits over about three days', () => {
    const total = LIVE_SCHEDULE.reduce((sum, s) => sum + s, 0);
    assert.ok(total >= 60 * 3600 && total <= 72 * 3600, `total ${total / 3600} h`);
    for (let i = 1; i < LIVE_SCHEDULE.length; i++) assert.ok(LIVE_SCHEDULE[i] >= LIVE_SCHEDULE[i - 1]);
  });
});

describe('event type matching', () => {
  it('matches *, exact names and prefix wildcards', () => {
    assert.equal(endpointWants(['*'], 'anything.at_all'), true);
    assert.equal(endpointWants(['customer.created'], 'customer.created'), true);
    assert.equal(endpointWants(['customer.created'], 'customer.updated'), false);
    assert.equal(typeMatches('charge.*', 'charge.refund.updated'), true);
    assert.equal(typeMatches('charge.refund.*', 'charge.refunded'), false);
    assert.equal(typeMatches('payment_intent.*', 'payment_intent_x.created'), false);
  });

  it('expands filter patterns over known types; exact names stand for themselves', () => {
    assert.equal(expandTypePattern('*'), null);
    assert.deepEqual(expandTypePattern('brand_new.thing'), ['brand_new.thing']);
    const intents = expandTypePattern('payment_intent.*')!;
    assert.ok(intents.includes('payment_intent.partially_funded') && intents.includes('payment_intent.succeeded'));
    assert.ok(intents.every((t) => t.startsWith('payment_intent.')));
    assert.ok(expandTypePattern('invoice.*')!.includes('invoice.overpaid'));
    for (const bad of ['cus*', '*.created', 'a.*.b', '.*']) assert.equal(isValidTypePattern(bad), false, bad);
  });
});
