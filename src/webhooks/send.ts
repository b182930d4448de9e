// One delivery attempt over HTTP: POST the event JSON, signed, with a hard time limit.
import { signatureHeader } from '../core/webhook-signature.ts';

export interface AttemptResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

export async function sendEvent(url: string, body: string, secret: string, nowSeconds: number, timeoutMs: number): Promise<AttemptResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': signatureHeader(body, secret, nowSeconds),
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'cache-control': 'no-cache',
        accept: '*/*; q=0.5, application/xml',
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read (and bound by the same timeout) the answer so the connection can be reused.
    await response.arrayBuffer();
    const ok = response.status >= 200 && response.status < 300;
    return { ok, status: response.status, error: ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    const name = (error as Error).name;
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const text = name === 'TimeoutError' || name === 'AbortError' ? `timed out after ${timeoutMs} ms` : (cause ?? (error as Error).message);
    return { ok: false, status: null, error: text };
  }
}
