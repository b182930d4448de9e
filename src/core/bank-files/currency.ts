// The currency of a statement's amounts: an ISO 4217 code, checked where it is read, so that
// no other text ever becomes a currency (of a line, of an unmatched transfer). camt's
// ActiveOrHistoricCurrencyCode is [A-Z]{3}; BAI2 and MT940 write upper case too.
import { quoted, StatementError } from './entry.ts';

/** ISO 4217's current codes (with the fund and X codes), and those withdrawn since 2011: an older statement may hold one. */
const ISO_4217 = new Set(`
  AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
  CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
  GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF
  KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN
  NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP
  SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS
  VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW
  ZWG ZWL
  BYR EEK LTL LVL MRO STD VEF
`.trim().split(/\s+/));

/**
 * A currency code as the file writes it (three letters, either case: a lower-case `eur` has
 * always been read), as Cashbook's lower-case code; anything that is not an ISO 4217 code
 * refuses the file, naming where it was read.
 */
export function currencyCode(text: string | null | undefined, where: string): string {
  const code = (text ?? '').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !ISO_4217.has(code)) throw new StatementError(`${where}: ${quoted(text ?? '')} is not an ISO 4217 currency code`);
  return code.toLowerCase();
}
