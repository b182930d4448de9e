// Text for payment files, whose banks take only basic Latin letters: letters with accents lose
// them (é → e, ü → u), letters that are not a base letter with a mark are spelled out as banks
// transliterate them (ß → ss, Æ → AE, Ø → O, Ł → L, Þ → TH). What is left outside a format's
// set is the format's to drop.

const SPELLED: Record<string, string> = {
  ß: 'ss', ẞ: 'SS', Æ: 'AE', æ: 'ae', Œ: 'OE', œ: 'oe', Ø: 'O', ø: 'o', Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ð: 'D', ð: 'd',
  Þ: 'TH', þ: 'th', Ħ: 'H', ħ: 'h', ı: 'i', Ŀ: 'L', ŀ: 'l', Ŧ: 'T', ŧ: 't', ſ: 's',
};

/** `text` in basic Latin where it can be (the rest left as it is). */
export function latinize(text: string): string {
  return text
    .replace(/[ßẞÆæŒœØøŁłĐđÐðÞþĦħıĿŀŦŧſ]/g, (c) => SPELLED[c])
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

/** Whether a name has a Latin letter once latinized: a bank account's holder must be named in them in every payment file. */
export function hasLatinLetter(text: string): boolean {
  return /[A-Za-z]/.test(latinize(text));
}

/** A Cashbook id (`re_…`) as payment files carry it (`re-…`: `_` is outside SEPA's set); `cashbookId` reads it back. */
/**
 * Why a name cannot name an account in a payment file (a holder, the merchant), or null when it
 * can: a control character (NUL, a line break: give names with spaces only), an invisible
 * format character (a right-to-left override, a zero-width space), half a UTF-16 pair or the
 * replacement character of a text that was not UTF-8, or no Latin letter.
 */
export function nameProblem(name: string): 'control' | 'not_latin' | null {
  if (/[\p{Cc}\p{Cf}\p{Cs}\uFFFD]/u.test(name)) return 'control';
  return hasLatinLetter(name) ? null : 'not_latin';
}

export function fileId(id: string): string {
  return id.replace(/_/g, '-');
}

/** The Cashbook id a payment file's id stands for (`re-…` → `re_…`); any other text unchanged. */
export function cashbookId(text: string): string {
  return /^[a-z]{2,6}-[0-9A-Za-z]{8,}$/.test(text) ? text.replace('-', '_') : text;
}
