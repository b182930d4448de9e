// ACH banking days: weekdays that are not Federal Reserve holidays, checked against the
// Federal Reserve's published holiday schedules, and the next banking day after any moment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { federalReserveHolidays, isAchBankingDay, nextAchBankingDay } from '../../src/core/payment-files/business-days.ts';

const iso = (d: Date) => d.toISOString().slice(0, 10);
const holidays = (year: number) => federalReserveHolidays(year).map((h) => iso(new Date(Date.UTC(year, h.month, h.day))));

describe('ACH banking days', () => {
  it("matches the Federal Reserve's holiday schedules (Sunday holidays observed Monday, Saturday ones not moved)", () => {
    // 2023: Jan 1 a Sunday (observed Jan 2); Nov 11 a Saturday (no closing).
    for (const year of [2023, 2026, 2027]) for (const day of holidays(year)) assert.equal(isAchBankingDay(new Date(day)), false, day);
    assert.deepEqual(holidays(2023).filter((d) => new Date(d).getUTCDay() !== 6), ['2023-01-02', '2023-01-16', '2023-02-20', '2023-05-29', '2023-06-19', '2023-07-04', '2023-09-04', '2023-10-09', '2023-11-23', '2023-12-25']);
    // 2026: Jul 4 a Saturday.
    assert.deepEqual(holidays(2026).filter((d) => new Date(d).getUTCDay() !== 6), ['2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25']);
    // 2027: Jul 4 a Sunday (observed Jul 5); Jun 19 and Dec 25 Saturdays.
    assert.deepEqual(holidays(2027).filter((d) => new Date(d).getUTCDay() !== 6), ['2027-01-01', '2027-01-18', '2027-02-15', '2027-05-31', '2027-07-05', '2027-09-06', '2027-10-11', '2027-11-11', '2027-11-25']);
    assert.ok(!holidays(2021).includes('2021-06-18') && !holidays(2021).includes('2021-06-19'), 'Juneteenth from 2022 on');
  });

  it('the next banking day skips weekends and holidays', () => {
    const next = (at: string) => iso(nextAchBankingDay(new Date(at)));
    assert.equal(next('2026-12-03T23:59:59Z'), '2026-12-04'); // Thursday → Friday
    assert.equal(next('2026-12-04T00:00:00Z'), '2026-12-07'); // Friday → Monday
    assert.equal(next('2026-12-05T12:00:00Z'), '2026-12-07'); // Saturday → Monday
    assert.equal(next('2026-11-25T10:00:00Z'), '2026-11-27'); // Wednesday → Friday, past Thanksgiving
    assert.equal(next('2026-12-24T10:00:00Z'), '2026-12-28'); // Christmas on a Friday, then the weekend
    assert.equal(next('2026-12-31T10:00:00Z'), '2027-01-04'); // New Year's Day on a Friday
    assert.equal(next('2027-07-02T10:00:00Z'), '2027-07-06'); // Independence Day on a Sunday, observed Monday
    assert.equal(next('2026-07-02T10:00:00Z'), '2026-07-03'); // Independence Day on a Saturday closes no Friday
  });

  it('for any moment, the next banking day is a later weekday within a week, and no banking day is skipped', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const now = new Date(ms);
        const next = nextAchBankingDay(now);
        assert.ok(isAchBankingDay(next) && next.getTime() > ms && next.getTime() - ms <= 6 * 86_400_000);
        assert.equal(next.getUTCHours() + next.getUTCMinutes() + next.getUTCSeconds(), 0);
        for (let d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)); d < next; d.setUTCDate(d.getUTCDate() + 1)) assert.ok(!isAchBankingDay(d), iso(d));
      }),
      { numRuns: 2000 },
    );
    for (let year = 2000; year <= 2100; year++) assert.ok([10, 11].includes(federalReserveHolidays(year).length));
  });
});
