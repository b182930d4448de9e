// Why a receiving bank sent a payment back, as a Stripe refund `failure_reason`. Stripe's
// values are card words (lost_or_stolen_card, expired_or_canceled_card, insufficient_funds,
// declined, merchant_request, charge_for_pending_refund_disputed, unknown); a bank return
// maps to the nearest: a closed account (or a deceased holder) is `expired_or_canceled_card`,
// an account that is wrong, unknown or blocked is `declined`, a return the sender asked for
// is `merchant_request`, insufficient funds is `insufficient_funds`; any other code (or
// none) is `unknown`. The bank's own code stays on the statement line's reason.

type RefundFailureReason = 'expired_or_canceled_card' | 'declined' | 'insufficient_funds' | 'merchant_request' | 'unknown';

const BY_CODE: Record<string, RefundFailureReason> = {
  // ISO 20022 ExternalReturnReason1Code
  AC04: 'expired_or_canceled_card', // closed account
  MD07: 'expired_or_canceled_card', // end customer deceased
  AC01: 'declined', // incorrect account number
  AC03: 'declined', // invalid creditor account number
  AC06: 'declined', // blocked account
  AG01: 'declined', // transaction forbidden on this account
  BE01: 'declined', // account holder's name does not match the account
  RC01: 'declined', // bank identifier incorrect
  AM04: 'insufficient_funds',
  FOCR: 'merchant_request', // following a cancellation request from the sender
  // NACHA return codes
  R01: 'insufficient_funds',
  R02: 'expired_or_canceled_card', // account closed
  R14: 'expired_or_canceled_card', // representative payee deceased
  R15: 'expired_or_canceled_card', // beneficiary or account holder deceased
  R03: 'declined', // no account / unable to locate account
  R04: 'declined', // invalid account number
  R16: 'declined', // account frozen
  R06: 'merchant_request', // returned at the originator's request
};

export function refundFailureReason(bankCode: string | null): RefundFailureReason {
  return (bankCode && BY_CODE[bankCode.trim().toUpperCase()]) || 'unknown';
}
