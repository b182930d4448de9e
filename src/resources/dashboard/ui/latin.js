// The rule payment files name an account by, as the server applies it (src/core/payment-files/
// latin.ts, mirrored here: the page shares no server code, only the tables currencies.js is
// written from; test/browser/dashboard-offers.test.ts checks the two agree): a name needs a
// basic Latin letter once accents are dropped and letters such as ß, Æ or Ł are spelled out.

const SPELLED = {
  ß: 'ss', ẞ: 'SS', Æ: 'AE', æ: 'ae', Œ: 'OE', œ: 'oe', Ø: 'O', ø: 'o', Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ð: 'D', ð: 'd',
  Þ: 'TH', þ: 'th', Ħ: 'H', ħ: 'h', ı: 'i', Ŀ: 'L', ŀ: 'l', Ŧ: 'T', ŧ: 't', ſ: 's',
};

/** `text` in basic Latin where it can be (the rest left as it is). */
export function latinize(text) {
  return text
    .replace(/[ßẞÆæŒœØøŁłĐđÐðÞþĦħıĿŀŦŧſ]/g, (c) => SPELLED[c])
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

/** Whether a name has a Latin letter once latinized: a bank account's holder must be named in them in every payment file. */
export const hasLatinLetter = (text) => /[A-Za-z]/.test(latinize(text));
