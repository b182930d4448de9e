// ACH banking days: weekdays that are not Federal Reserve holidays, checked against the
// Federal Reserve's published holiday schedules, and the next banking day after any moment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { easterSunday, executionDate, federalReserveHolidays, isAchBankingDay, isExecutionDay, nextAchBankingDay, targetClosingDays, ukBankHolidays } from '../../src/core/payment-files/business-days.ts';

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

describe('execution days of euro and pound credit transfers', () => {
  const days = (list: Date[]) => list.map(iso);

  it("Easter matches the published dates, so TARGET's Good Friday and Easter Monday do", () => {
    const published: Record<number, string> = { 2000: '2000-04-23', 2019: '2019-04-21', 2024: '2024-03-31', 2025: '2025-04-20', 2026: '2026-04-05', 2027: '2027-03-28', 2038: '2038-04-25', 2285: '2285-03-22' };
    for (const [year, date] of Object.entries(published)) {
      const { month, day } = easterSunday(Number(year));
      assert.equal(iso(new Date(Date.UTC(Number(year), month, day))), date);
    }
    assert.deepEqual(days(targetClosingDays(2026)), ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-12-25', '2026-12-26']);
    assert.deepEqual(days(targetClosingDays(2024)), ['2024-01-01', '2024-03-29', '2024-04-01', '2024-05-01', '2024-12-25', '2024-12-26']);
  });

  it('matches the bank holidays gov.uk published for England and Wales, substitutes and proclaimed days included', () => {
    assert.deepEqual(days(ukBankHolidays(2022)), ['2022-01-03', '2022-04-15', '2022-04-18', '2022-05-02', '2022-06-02', '2022-06-03', '2022-08-29', '2022-09-19', '2022-12-26', '2022-12-27']);
    assert.deepEqual(days(ukBankHolidays(2023)), ['2023-01-02', '2023-04-07', '2023-04-10', '2023-05-01', '2023-05-08', '2023-05-29', '2023-08-28', '2023-12-25', '2023-12-26']);
    assert.deepEqual(days(ukBankHolidays(2026)), ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']);
    assert.deepEqual(days(ukBankHolidays(2027)), ['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28']);
  });

  it('a file is executed the day it is made when banks are open, else on their next open day', () => {
    const on = (currency: 'eur' | 'gbp', at: string) => iso(executionDate(currency, new Date(at)));
    assert.equal(on('eur', '2026-12-04T23:59:59Z'), '2026-12-04'); // a Friday
    assert.equal(on('eur', '2026-12-05T09:00:00Z'), '2026-12-07'); // Saturday → Monday
    assert.equal(on('eur', '2026-12-24T16:00:00Z'), '2026-12-24');
    assert.equal(on('eur', '2026-12-25T09:00:00Z'), '2026-12-28'); // Christmas, 26 December (a Saturday), Sunday
    assert.equal(on('eur', '2026-04-03T09:00:00Z'), '2026-04-07'); // Good Friday to the Tuesday after Easter Monday
    assert.equal(on('eur', '2026-05-01T09:00:00Z'), '2026-05-04'); // Labour Day, a TARGET closing day
    assert.equal(on('gbp', '2026-05-01T09:00:00Z'), '2026-05-01'); // not a bank holiday in England
    assert.equal(on('gbp', '2026-05-04T09:00:00Z'), '2026-05-05'); // the early May bank holiday
    assert.equal(on('gbp', '2026-12-26T09:00:00Z'), '2026-12-29'); // Boxing Day's substitute is Monday 28
    assert.equal(on('eur', '2026-12-28T09:00:00Z'), '2026-12-28'); // open for euros that Monday
  });

  it('for any moment, the execution date is an open day within ten days, and no open day before it is skipped', () => {
    fc.assert(
      fc.property(fc.constantFrom('eur' as const, 'gbp' as const), fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (currency, ms) => {
        const now = new Date(ms);
        const date = executionDate(currency, now);
        const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
        assert.ok(isExecutionDay(currency, date) && date.getTime() >= today && date.getTime() - today <= 10 * 86_400_000);
        for (let d = new Date(today); d < date; d.setUTCDate(d.getUTCDate() + 1)) assert.ok(!isExecutionDay(currency, d), iso(d));
      }),
      { numRuns: 2000 },
    );
    for (let year = 2000; year <= 2100; year++) {
      assert.equal(targetClosingDays(year).length, 6);
      assert.equal(new Set(days(ukBankHolidays(year))).size, ukBankHolidays(year).length);
      assert.ok(ukBankHolidays(year).every((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && d.getUTCFullYear() === year));
    }
  });
});
