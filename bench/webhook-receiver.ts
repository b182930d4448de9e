// A webhook receiver for the bench, in its own process: answers 200 to every POST and counts
// them per path, and how many repeated an event id already received on that path;
// GET /count returns both; /healthz for the process helper.
import http from 'node:http';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const counts: Record<string, number> = {};
const seen = new Map<string, Set<string>>();
const server = http.createServer((request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(request.url === '/count' ? counts : { ok: true }));
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const path = request.url ?? '/';
    counts[path] = (counts[path] ?? 0) + 1;
    const id = /"id": "(evt_\w+)"/.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? '';
    const ids = seen.get(path) ?? new Set<string>();
    seen.set(path, ids);
    if (ids.has(id)) counts[`${path} repeated`] = (counts[`${path} repeated`] ?? 0) + 1;
    ids.add(id);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
