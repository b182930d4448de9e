// A webhook receiver for the bench, in its own process: answers 200 to every POST and counts
// them per path; GET /count returns the counts; /healthz for the process helper.
import http from 'node:http';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const counts: Record<string, number> = {};
const server = http.createServer((request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(request.url === '/count' ? counts : { ok: true }));
    return;
  }
  request.resume();
  request.on('end', () => {
    counts[request.url ?? '/'] = (counts[request.url ?? '/'] ?? 0) + 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
