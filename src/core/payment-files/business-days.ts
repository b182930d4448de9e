// Banking days: the US ACH network's (Monday to Friday except the Federal Reserve's holidays),
// TARGET's for SEPA credit transfers in euros, and England and Wales's for pounds.
// Pure calendar arithmetic in UTC dates. At the Federal Reserve a holiday on a Sunday is observed
// the Monday after and one on a Saturday closes nothing (ACH still settles the Friday before).

const utcDate = (year: number, month: number, day: number) => new Date(Date.UTC(year, month, day));
const sameDay = (a: Date, b: Date) => a.getUTCFullYear() === b.getUTCFullYear() && a.getUTCMonth() === b.getUTCMonth() && a.getUTCDate() === b.getUTCDate();
const isWeekend = (date: Date) => date.getUTCDay() === 0 || date.getUTCDay() === 6;

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
  if (isWeekend(date)) return false;
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

/** Easter Sunday of `year` (Gregorian, the anonymous algorithm of Meeus/Jones/Butcher), as month (0-based) and day. */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31) - 1;
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

/** The days TARGET (the euro's settlement system, so SEPA credit transfers) is closed besides weekends: the ECB's calendar since 2002. */
export function targetClosingDays(year: number): Date[] {
  const easter = easterSunday(year);
  return [utcDate(year, 0, 1), utcDate(year, easter.month, easter.day - 2), utcDate(year, easter.month, easter.day + 1), utcDate(year, 4, 1), utcDate(year, 11, 25), utcDate(year, 11, 26)];
}

// Bank holidays of England and Wales that no rule makes: proclaimed one year at a time (gov.uk/bank-holidays).
const UK_PROCLAIMED: Record<number, { add: [number, number][]; remove: [number, number][] }> = {
  2020: { add: [[4, 8]], remove: [[4, 4]] }, // VE Day: the early May bank holiday moved to Friday 8 May
  2022: { add: [[5, 2], [5, 3], [8, 19]], remove: [[4, 30]] }, // Platinum Jubilee (spring holiday moved to 2 June), the Queen's funeral
  2023: { add: [[4, 8]], remove: [] }, // the King's coronation
};

/** The bank holidays of England and Wales in `year`, substitute days included (a holiday on a weekend moves to the next free weekday). */
export function ukBankHolidays(year: number): Date[] {
  const easter = easterSunday(year);
  const days: Date[] = [];
  const substitute = (date: Date) => {
    while (isWeekend(date) || days.some((d) => sameDay(d, date))) date.setUTCDate(date.getUTCDate() + 1);
    days.push(date);
  };
  substitute(utcDate(year, 0, 1));
  days.push(utcDate(year, easter.month, easter.day - 2), utcDate(year, easter.month, easter.day + 1));
  days.push(utcDate(year, 4, nthWeekday(year, 4, 1, 1)), utcDate(year, 4, nthWeekday(year, 4, 1, -1)), utcDate(year, 7, nthWeekday(year, 7, 1, -1)));
  substitute(utcDate(year, 11, 25));
  substitute(utcDate(year, 11, 26));
  const proclaimed = UK_PROCLAIMED[year];
  const result = proclaimed ? days.filter((d) => !proclaimed.remove.some(([m, day]) => d.getUTCMonth() === m && d.getUTCDate() === day)) : days;
  for (const [m, day] of proclaimed?.add ?? []) result.push(utcDate(year, m, day));
  return result.sort((a, b) => a.getTime() - b.getTime());
}

/** Whether banks execute a credit transfer in `currency` on the UTC date of `date`: TARGET days for EUR, English bank days for GBP. */
export function isExecutionDay(currency: 'eur' | 'gbp', date: Date): boolean {
  if (isWeekend(date)) return false;
  const closed = currency === 'eur' ? targetClosingDays(date.getUTCFullYear()) : ukBankHolidays(date.getUTCFullYear());
  return !closed.some((d) => sameDay(d, date));
}

/** The requested execution date of a file made at `now`: its UTC date if banks execute then, else the next day they do, at 00:00 UTC. */
export function executionDate(currency: 'eur' | 'gbp', now: Date): Date {
  const date = utcDate(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  while (!isExecutionDay(currency, date)) date.setUTCDate(date.getUTCDate() + 1);
  return date;
}
