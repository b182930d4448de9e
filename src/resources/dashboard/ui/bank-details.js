// What happens after a refund or a return to the customer's bank is made: it waits for the
// customer's bank details, and Cashbook sends no email to ask for them, in test mode or live
// (README: no emails are sent). The merchant makes a bank details link on the refund's page
// and sends it; Cashbook can make one only in the currencies its payment files pay out.
import { PAYOUT_CURRENCIES } from './money.js';

export const canAskForBankDetails = (currency) => PAYOUT_CURRENCIES.includes(currency);

const payoutList = () => PAYOUT_CURRENCIES.map((c) => c.toUpperCase()).join(', ');

/** One line for a review step: where the bank details will come from. */
export function bankDetailsSource(currency) {
  return canAskForBankDetails(currency)
    ? 'From the customer, through a bank details link you make on its page and send them yourself (Cashbook sends no email)'
    : `None can be asked for: Cashbook sends no email, and makes bank details links only in ${payoutList()}`;
}

/** What the merchant must do next, for a refund or return (`what`) in `currency` now waiting for bank details. */
export function bankDetailsNextStep(currency, what = 'refund') {
  if (canAskForBankDetails(currency)) {
    return `Cashbook sends no email, in test or live mode, so the customer is not asked for their bank details: open the ${what}, make a bank details link there and send it to the customer yourself. Until they give their account, the ${what} waits and can be canceled.`;
  }
  return `Cashbook sends no email, and its payment files pay out ${payoutList()} only, so no bank details link can be made for ${currency.toUpperCase()}: the ${what} waits until it is canceled or its 45-day window closes (in test mode, the submit_bank_details test helper can give the details).`;
}
