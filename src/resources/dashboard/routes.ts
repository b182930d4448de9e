// GET /dashboard — Cashbook's web dashboard: one static page, its stylesheet and its ES
// modules (app.js and ui/*.js), which call the public API from the browser with the secret key
// the user types in (kept in the tab's sessionStorage, sent as a Bearer token like any client).
// The files hold no data and need no key, so they are served without one; everything the page
// shows is what the key may see. GET /favicon.ico answers with the same icon, so no page of
// this server logs a 404 for it. ui/currencies.js is no file: the server writes it from its
// own money tables (currencies.ts), so the page and the API cannot disagree about an amount.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { currenciesModule } from './currencies.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Same-origin script and API calls only; no inline script or style, no third-party anything.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff');
}

/** Every static file under this folder (not the server's own .ts), as path relative to it. */
function assets(dir = here): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return assets(full);
    return TYPES[path.extname(entry.name)] ? [path.relative(here, full).split(path.sep).join('/')] : [];
  });
}

export function dashboardRoutes(app: FastifyInstance): void {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const file of assets()) files.set(file, { body: fs.readFileSync(path.join(here, file)), type: TYPES[path.extname(file)] }); // read once, at start
  if (files.has('ui/currencies.js')) throw new Error('dashboard: ui/currencies.js is written by the server, not kept as a file');
  files.set('ui/currencies.js', { body: Buffer.from(currenciesModule()), type: TYPES['.js'] });
  const serve = (url: string, file: string) => {
    const asset = files.get(file);
    if (!asset) throw new Error(`dashboard: ${file} is missing`);
    app.get(url, async (_request, reply) => secure(reply).type(asset.type).send(asset.body));
  };
  serve('/dashboard', 'index.html');
  for (const file of files.keys()) if (file !== 'index.html') serve(`/dashboard/${file}`, file);
  serve('/favicon.ico', 'favicon.svg');
  app.get('/dashboard/', async (_request, reply) => reply.redirect('/dashboard'));
}
