// One delivery attempt over HTTP: POST the event JSON, signed, with a hard time limit.
// Node's http client with keep-alive agents: cheaper per request than fetch, and connections
// to an endpoint are reused across deliveries.
import http from 'node:http';
import https from 'node:https';
import { signatureHeader } from '../core/webhook-signature.ts';

export interface AttemptResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

export function sendEvent(url: string, body: string, secret: string, nowSeconds: number, timeoutMs: number): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ok: false, status: null, error: 'invalid URL' });
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(target, {
      method: 'POST',
      agent: agents[target.protocol as 'http:' | 'https:'],
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'stripe-signature': signatureHeader(body, secret, nowSeconds),
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'cache-control': 'no-cache',
        accept: '*/*; q=0.5, application/xml',
      },
    });
    // One limit for the whole attempt: connect, send, and read the answer.
    const timer = setTimeout(() => {
      request.destroy();
      finish({ ok: false, status: null, error: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, status: null, error: error.code ?? error.message }));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      response.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, status: null, error: error.code ?? error.message }));
      response.on('end', () => {
        const ok = status >= 200 && status < 300;
        finish({ ok, status, error: ok ? null : `HTTP ${status}` });
      });
    });
    request.end(body);
  });
}
