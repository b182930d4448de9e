// The load meter the webhook worker yields to: a process kept busy by requests reads as
// saturated, an idle one does not.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ApiLoad } from '../../src/webhooks/api-load.ts';

const CLIENT = `
const url = process.argv[1];
const loop = async (until) => { while (Date.now() < until) await (await fetch(url)).text(); };
(async () => {
  await Promise.all(Array.from({ length: 16 }, () => fetch(url).then((r) => r.text())));
  process.stdout.write('connected\\n');
  const until = Date.now() + 500;
  await Promise.all(Array.from({ length: 16 }, () => loop(until)));
})();
`;

it('reads a process busy with requests as saturated, and an idle one as not', async () => {
  const load = new ApiLoad();
  const server = http.createServer((_request, response) => {
    const until = Date.now() + 20;
    while (Date.now() < until); // the request's work, holding the event loop
    response.end('ok');
  });
  load.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    // Sixteen clients in another process (as real clients are), each sending its next request as
    // soon as the last is answered, for ~500 ms after their connections are open.
    const client = spawn(process.execPath, ['-e', CLIENT, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(client.stdout!, 'data'); // connected
    load.sample();
    const [code] = (await once(client, 'exit')) as [number];
    assert.equal(code, 0);
    const busy = load.sample();
    assert.ok(busy.occupancy >= 0.9, `occupancy under load ${busy.occupancy}`);
    assert.ok(busy.utilization >= 0.9, `event loop utilization under load ${busy.utilization}`);

    await new Promise((r) => setTimeout(r, 300));
    const idle = load.sample();
    assert.equal(idle.occupancy, 0);
    assert.ok(idle.utilization < 0.5, `event loop utilization when idle ${idle.utilization}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
