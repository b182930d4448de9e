// GET /dashboard — Cashbook's web dashboard: one static page and its script, which call the
// public API from the browser with the secret key the user types in (kept in the tab's
// sessionStorage, sent as a Bearer token like any client). The page itself holds no data and
// needs no key, so it can be served without one; everything it shows is what the key may see.
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';

const here = new URL('.', import.meta.url);
const ASSETS: Record<string, { file: string; type: string }> = {
  '/dashboard': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

// Same-origin script and API calls only; no inline script, no third-party anything.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff');
}

export function dashboardRoutes(app: FastifyInstance): void {
  for (const [url, asset] of Object.entries(ASSETS)) {
    const body = fs.readFileSync(new URL(asset.file, here), 'utf8'); // read once, at start
    app.get(url, async (_request, reply) => secure(reply).type(asset.type).send(body));
  }
  app.get('/dashboard/', async (_request, reply) => reply.redirect('/dashboard'));
}
