import type { Scenario } from '../scenario.ts';

/** GET on a bare Fastify route: what the framework and loopback allow at most. */
export const bareRoute: Scenario = {
  name: 'bare Fastify route (ceiling)',
  server: 'bare',
  requests: () => [{ method: 'GET', path: '/bare' }],
};
