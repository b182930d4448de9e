// Banking days of the US ACH network: Monday to Friday except the Federal Reserve's holidays.
// Pure calendar arithmetic in UTC dates. A holiday on a Sunday is observed the Monday after; one on
// a Saturday closes nothing (the Federal Reserve's rule, so ACH still settles the Friday before).

/** The `n`th (1-based) `weekday` (0 = Sunday) of a month, as a day of the month; n = -1 is the last. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
    return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
  }
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return lastDay.getUTCDate() - ((lastDay.getUTCDay() - weekday + 7) % 7);
}

/** Month (0-based) and day of each Federal Reserve holiday of `year`, as observed. */
export function federalReserveHolidays(year: number): { month: number; day: number; name: string }[] {
  const fixed = (month: number, day: number, name: string) => {
    const weekday = new Date(Date.UTC(year, month, day)).getUTCDay();
    return weekday === 0 ? { month, day: day + 1, name } : { month, day, name }; // Sunday: observed Monday (Saturday: not moved)
  };
  const holidays = [
    fixed(0, 1, "New Year's Day"),
    { month: 0, day: nthWeekday(year, 0, 1, 3), name: 'Birthday of Martin Luther King, Jr.' },
    { month: 1, day: nthWeekday(year, 1, 1, 3), name: "Washington's Birthday" },
    { month: 4, day: nthWeekday(year, 4, 1, -1), name: 'Memorial Day' },
    fixed(6, 4, 'Independence Day'),
    { month: 8, day: nthWeekday(year, 8, 1, 1), name: 'Labor Day' },
    { month: 9, day: nthWeekday(year, 9, 1, 2), name: 'Columbus Day' },
    fixed(10, 11, 'Veterans Day'),
    { month: 10, day: nthWeekday(year, 10, 4, 4), name: 'Thanksgiving Day' },
    fixed(11, 25, 'Christmas Day'),
  ];
  if (year >= 2022) holidays.push(fixed(5, 19, 'Juneteenth National Independence Day')); // a Federal Reserve holiday since 2022
  return holidays.sort((a, b) => a.month - b.month || a.day - b.day);
}

/** Whether ACH settles on the UTC date of `date`: a weekday that is no Federal Reserve holiday. */
export function isAchBankingDay(date: Date): boolean {
  const weekday = date.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  return !federalReserveHolidays(date.getUTCFullYear()).some((h) => h.month === month && h.day === day);
}

/** The first ACH banking day after the UTC date of `now`, at 00:00 UTC. */
export function nextAchBankingDay(now: Date): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  while (!isAchBankingDay(next)) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}
