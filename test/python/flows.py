#!/usr/bin/env python3
"""Cashbook's money flows driven by Debian's python3-stripe (5.x), unchanged.

Usage: flows.py [BASE_URL] [API_KEY]   (or CASHBOOK_URL / CASHBOOK_KEY in the environment)

Prints one line per flow and exits non-zero (a traceback) on the first failure. Run by
test/python/python-sdk.test.ts against a fresh server per store.
"""
import os
import sys
import uuid

import stripe
import stripe.version


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def equal(actual, expected, what):
    check(actual == expected, "%s: expected %r, got %r" % (what, expected, actual))


def raises(error_class, call, **expected):
    """Runs call(); it must raise error_class whose attributes match `expected`."""
    try:
        call()
    except error_class as error:
        for name, value in expected.items():
            equal(getattr(error, name), value, "%s.%s" % (error_class.__name__, name))
        return error
    raise AssertionError("expected %s, nothing was raised" % error_class.__name__)


def eur_balance(customer_id):
    available = stripe.Customer.retrieve_cash_balance(customer_id).available
    return (available or {}).get("eur", 0)


def newest_entry(customer_id):
    return stripe.Customer.list_cash_balance_transactions(customer_id, limit=1).data[0]


def flow_customer(run):
    email = "py-%s@example.com" % run
    created = stripe.Customer.create(name="Ada Python", email=email, metadata={"order": 42, "vip": True})
    check(created.id.startswith("cus_"), "customer id %r" % created.id)
    fetched = stripe.Customer.retrieve(created.id)
    equal(type(fetched), stripe.Customer, "retrieve gives a Customer")
    equal(
        (fetched.id, fetched.object, fetched.name, fetched.email, fetched.livemode),
        (created.id, "customer", "Ada Python", email, False),
        "customer read back",
    )
    # The SDK sends Python's str() of values: 42 and True arrive as "42" and "True".
    equal(dict(fetched.metadata), {"order": "42", "vip": "True"}, "metadata")
    updated = stripe.Customer.modify(created.id, name="Ada Lovelace")
    equal(updated.name, "Ada Lovelace", "modified name")
    equal(stripe.Customer.retrieve(created.id).name, "Ada Lovelace", "modified name read back")
    listed = stripe.Customer.list(email=email)
    equal([c.id for c in listed], [created.id], "list by email")
    # Lists go over the wire indexed: expand[0]=cash_balance.
    expanded = stripe.Customer.retrieve(created.id, expand=["cash_balance"])
    equal((expanded.cash_balance.object, expanded.cash_balance.customer), ("cash_balance", created.id), "expanded cash_balance")

    doomed = stripe.Customer.create(email="gone-%s@example.com" % run)
    deleted = stripe.Customer.delete(doomed.id)
    equal((deleted.id, deleted.deleted), (doomed.id, True), "delete")
    equal(stripe.Customer.retrieve(doomed.id).get("deleted"), True, "a deleted customer reads as deleted")
    equal([c.id for c in stripe.Customer.list(email="gone-%s@example.com" % run)], [], "a deleted customer is not listed")
    print("customer: created %s, read back, modified, listed by email, expanded; another deleted" % created.id)
    return created.id


def flow_fund(customer_id):
    instructions = stripe.Customer.create_funding_instructions(
        customer_id,
        currency="eur",
        funding_type="bank_transfer",
        bank_transfer={"type": "eu_bank_transfer", "eu_bank_transfer": {"country": "NL"}},
    )
    equal((instructions.object, instructions.currency, instructions.funding_type), ("funding_instructions", "eur", "bank_transfer"), "funding instructions")
    address = instructions.bank_transfer.financial_addresses[0]
    equal((address.type, address.iban.country), ("iban", "NL"), "funding address")
    check(address.iban.iban.startswith("NL"), "iban %r" % address.iban.iban)
    equal(eur_balance(customer_id), 0, "balance before funding")

    amounts = [1000, 250, 3000, 75, 420]
    ids, total = [], 0
    for index, amount in enumerate(amounts):
        # python3-stripe 5.x has the test helper: Customer.TestHelpers.fund_cash_balance.
        txn = stripe.Customer.TestHelpers.fund_cash_balance(customer_id, amount=amount, currency="eur", reference="PY-%d" % index)
        total += amount
        equal(
            (txn.object, txn.type, txn.currency, txn.customer, txn.net_amount, txn.ending_balance),
            ("customer_cash_balance_transaction", "funded", "eur", customer_id, amount, total),
            "funding %d" % index,
        )
        check(txn.id.startswith("ccsbtxn_"), "transaction id %r" % txn.id)
        ids.append(txn.id)
    equal(eur_balance(customer_id), total, "balance after five fundings")

    # The same idempotency key books once and answers the same transaction.
    key = "py-fund-%s" % uuid.uuid4().hex
    first = stripe.Customer.TestHelpers.fund_cash_balance(customer_id, amount=5, currency="eur", idempotency_key=key)
    again = stripe.Customer.TestHelpers.fund_cash_balance(customer_id, amount=5, currency="eur", idempotency_key=key)
    equal(again.id, first.id, "idempotent replay")
    equal(again.last_response.headers.get("Idempotent-Replayed"), "true", "replay header")
    total += 5
    ids.append(first.id)
    equal(eur_balance(customer_id), total, "balance after the idempotent funding")
    print("fund: funding instructions (NL iban), 6 eur fundings, balance %d, idempotent replay" % total)
    return ids, total


def flow_list(customer_id, funded_ids):
    page = stripe.Customer.list_cash_balance_transactions(customer_id, limit=2)
    equal((page.object, len(page.data), page.has_more), ("list", 2, True), "first page")
    pages, sizes = page, [len(page.data)]
    while pages.has_more:
        pages = pages.next_page()
        sizes.append(len(pages.data))
    equal(sizes, [2, 2, 2], "page sizes, has_more false on the last page")
    rows = list(page.auto_paging_iter())
    equal(len(rows), len(funded_ids), "rows over every page")
    equal([row.id for row in rows], list(reversed(funded_ids)), "newest first, every row once")
    for newer, older in zip(rows, rows[1:]):
        check(newer.created >= older.created, "created order %s/%s" % (newer.id, older.id))
        equal(newer.ending_balance, older.ending_balance + newer.net_amount, "ending_balance chain at %s" % newer.id)
    equal(rows[-1].ending_balance, rows[-1].net_amount, "oldest row starts from zero")
    equal(rows[0].ending_balance, eur_balance(customer_id), "newest row is the balance")
    one = stripe.Customer.retrieve_cash_balance_transaction(customer_id, funded_ids[2])
    equal((one.id, one.net_amount), (funded_ids[2], rows[-3].net_amount), "retrieve one transaction")
    with_customer = stripe.Customer.list_cash_balance_transactions(customer_id, limit=1, expand=["data.customer"])
    equal((with_customer.data[0].customer.id, with_customer.data[0].customer.object), (customer_id, "customer"), "expanded data.customer")
    print("list: %d transactions over %d pages of 2, newest first, ending balances chain" % (len(rows), len(sizes)))


def customer_balance_intent(customer_id, amount, confirm):
    return stripe.PaymentIntent.create(
        amount=amount,
        currency="eur",
        customer=customer_id,
        payment_method_types=["customer_balance"],
        payment_method_data={"type": "customer_balance"},
        payment_method_options={
            "customer_balance": {
                "funding_type": "bank_transfer",
                "bank_transfer": {"type": "eu_bank_transfer", "eu_bank_transfer": {"country": "NL"}},
            }
        },
        confirm=confirm,
    )


def flow_pay(customer_id, balance):
    # confirm=True goes over the wire as "True" (Python's str(True)).
    paid = customer_balance_intent(customer_id, 4000, True)
    equal((paid.status, paid.amount, paid.amount_received, paid.currency, paid.customer), ("succeeded", 4000, 4000, "eur", customer_id), "paid intent")
    balance -= 4000
    equal(eur_balance(customer_id), balance, "balance after paying")
    entry = newest_entry(customer_id)
    equal((entry.type, entry.net_amount, entry.ending_balance, entry.applied_to_payment.payment_intent), ("applied_to_payment", -4000, balance, paid.id), "applied entry")
    charge = stripe.Charge.retrieve(paid.latest_charge)
    equal((charge.amount, charge.paid, charge.payment_intent, charge.amount_refunded), (4000, True, paid.id, 0), "charge")

    # confirm=False leaves it waiting; confirming later takes what the balance covers and asks
    # for a bank transfer for the rest, which a funding then pays.
    waiting = customer_balance_intent(customer_id, balance + 300, False)
    equal(waiting.status, "requires_confirmation", "unconfirmed intent")
    equal(eur_balance(customer_id), balance, "an unconfirmed intent takes nothing")
    confirmed = stripe.PaymentIntent.confirm(waiting.id)
    equal(confirmed.status, "requires_action", "partly covered intent")
    instructions = confirmed.next_action.display_bank_transfer_instructions
    equal((instructions.amount_remaining, instructions.currency), (300, "eur"), "bank transfer instructions")
    equal(eur_balance(customer_id), 0, "the balance went to the intent")
    stripe.Customer.TestHelpers.fund_cash_balance(customer_id, amount=300, currency="eur")
    equal(stripe.PaymentIntent.retrieve(waiting.id).status, "succeeded", "the transfer paid the rest")
    equal(eur_balance(customer_id), 0, "nothing left over")
    print("pay: confirm=True paid 4000 from the balance; confirm=False then confirm, funded the last 300")
    return paid


def flow_refund(customer_id, paid):
    to_bank = stripe.Refund.create(payment_intent=paid.id, amount=1500)
    equal((to_bank.object, to_bank.status, to_bank.amount, to_bank.payment_intent), ("refund", "requires_action", 1500, paid.id), "refund to the bank")
    equal(eur_balance(customer_id), 0, "a bank refund leaves the cash balance alone")

    # Cashbook's extension route has no SDK method; _static_request is what 5.x's own methods use.
    into_balance = stripe.Refund._static_request(
        "post", "/cashbook/v1/payment_intents/%s/refund_to_cash_balance" % paid.id, params={"amount": 1000, "metadata": {"why": "goodwill"}}
    )
    equal(type(into_balance), stripe.Refund, "the extension answers a Refund")
    equal((into_balance.status, into_balance.amount, into_balance.destination_details.type), ("succeeded", 1000, "customer_cash_balance"), "refund into the balance")
    equal(eur_balance(customer_id), 1000, "refunded money is in the cash balance")
    entry = newest_entry(customer_id)
    equal((entry.type, entry.net_amount, entry.ending_balance, entry.refunded_from_payment.refund), ("refunded_from_payment", 1000, 1000, into_balance.id), "refund entry")

    raises(
        stripe.error.InvalidRequestError,
        lambda: stripe.Refund.create(payment_intent=paid.id, amount=1501),
        http_status=400, code="amount_too_large", param="amount",
    )
    equal(stripe.Charge.retrieve(paid.latest_charge).amount_refunded, 2500, "charge amount_refunded")
    listed = stripe.Refund.list(payment_intent=paid.id)
    equal(sorted(r.id for r in listed), sorted([to_bank.id, into_balance.id]), "refunds of the intent")
    # The refunded money pays the next payment at once.
    equal(customer_balance_intent(customer_id, 1000, True).status, "succeeded", "paying from refunded money")
    equal(eur_balance(customer_id), 0, "balance after paying from refunded money")
    print("refund: 1500 to the bank (requires_action), 1000 into the cash balance, over-refund refused")


def flow_errors(customer_id):
    missing = raises(
        stripe.error.InvalidRequestError,
        lambda: stripe.Customer.retrieve("cus_missing_py"),
        http_status=404, code="resource_missing", param="customer",
    )
    check("cus_missing_py" in missing.user_message, "message names the id: %r" % missing.user_message)
    check((missing.request_id or "").startswith("req_"), "request id %r" % missing.request_id)
    raises(
        stripe.error.InvalidRequestError,
        lambda: stripe.Customer.TestHelpers.fund_cash_balance(customer_id, amount=-5, currency="eur"),
        http_status=400, code="amount_too_small", param="amount",
    )
    raises(
        stripe.error.InvalidRequestError,
        lambda: customer_balance_intent(customer_id, "ten", True),
        http_status=400, code="parameter_invalid_integer", param="amount",
    )
    raises(stripe.error.InvalidRequestError, lambda: stripe.Customer.create(bogus=1), http_status=400, code="parameter_unknown", param="bogus")
    raises(stripe.error.AuthenticationError, lambda: stripe.Customer.list(api_key="sk_test_wrong_key_py"), http_status=401)
    equal(eur_balance(customer_id), 0, "refused requests change nothing")
    print("errors: 404 resource_missing, 400 amount/parameter errors, 401 as the SDK's exception classes")


def main():
    base_url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CASHBOOK_URL")
    api_key = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("CASHBOOK_KEY")
    if not base_url or not api_key:
        sys.exit("usage: flows.py BASE_URL API_KEY (or CASHBOOK_URL and CASHBOOK_KEY)")
    stripe.api_base = base_url
    stripe.api_key = api_key
    stripe.max_network_retries = 0
    stripe.enable_telemetry = False
    print("python3-stripe %s against %s" % (stripe.version.VERSION, base_url))

    run = uuid.uuid4().hex[:8]
    customer_id = flow_customer(run)
    funded_ids, balance = flow_fund(customer_id)
    flow_list(customer_id, funded_ids)
    paid = flow_pay(customer_id, balance)
    flow_refund(customer_id, paid)
    flow_errors(customer_id)
    print("all flows passed")


if __name__ == "__main__":
    main()
