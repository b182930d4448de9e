// Stripe-Signature, pure: HMAC-SHA256 keyed with the whole secret string (`whsec_…` as UTF-8)
// over `${t}.${body}`, as the official SDKs' constructEvent verify it.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function computeSignature(payload: string, secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
}

/** The header value for one delivery attempt: `t=<unix seconds>,v1=<hex>`, one v1 per secret. */
export function signatureHeader(payload: string, secrets: string | readonly string[], timestamp: number): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  return [`t=${timestamp}`, ...list.map((secret) => `v1=${computeSignature(payload, secret, timestamp)}`)].join(',');
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/** Verifies a header the way the SDKs do: any v1 matching, timestamp not older than `toleranceSeconds`. */
export function verifySignature(payload: string, header: string, secret: string, nowSeconds: number, toleranceSeconds = 300): SignatureCheck {
  const pairs = header.split(',').map((part) => part.split('=', 2) as [string, string | undefined]);
  const t = Number(pairs.find(([key]) => key === 't')?.[1]);
  const signatures = pairs.filter(([key, value]) => key === 'v1' && value).map(([, value]) => value!);
  if (!Number.isInteger(t)) return { ok: false, reason: 'Unable to extract timestamp and signatures from header' };
  if (signatures.length === 0) return { ok: false, reason: 'No signatures found with expected scheme v1' };
  const expected = Buffer.from(computeSignature(payload, secret, t), 'utf8');
  const match = signatures.some((s) => {
    const given = Buffer.from(s, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!match) return { ok: false, reason: 'No signatures found matching the expected signature for payload' };
  if (toleranceSeconds > 0 && t < nowSeconds - toleranceSeconds) return { ok: false, reason: `Timestamp outside the tolerance zone (${t})` };
  return { ok: true, timestamp: t };
}
