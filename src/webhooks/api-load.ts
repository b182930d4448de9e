// How hard the API is pressed, as the webhook worker needs to know: the share of time at least
// one request was in flight (clients waiting) and how busy the event loop was (no spare CPU).
import type http from 'node:http';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface LoadSample {
  /** Share of the wall time since the previous sample with at least one API request in flight, 0..1. */
  occupancy: number;
  /** Event loop utilization since the previous sample, 0..1 (this process's JavaScript and native work). */
  utilization: number;
}

export class ApiLoad {
  private inFlight = 0;
  private busyMs = 0;
  private busySince = 0;
  private last = { at: performance.now(), busyMs: 0, elu: performance.eventLoopUtilization() };

  /** Counts the requests `server` receives until each response is finished or aborted. */
  attach(server: http.Server): this {
    // First of the 'request' listeners, so the time counts from before the app's handler runs.
    server.prependListener('request', (_request: http.IncomingMessage, response: http.ServerResponse) => {
      this.begin();
      response.once('close', () => this.end());
    });
    return this;
  }

  private begin(): void {
    if (this.inFlight++ === 0) this.busySince = performance.now();
  }

  private end(): void {
    if (--this.inFlight === 0) this.busyMs += performance.now() - this.busySince;
  }

  /** The load since the previous call. */
  sample(): LoadSample {
    const at = performance.now();
    const busyMs = this.busyMs + (this.inFlight > 0 ? at - this.busySince : 0);
    const elu: EventLoopUtilization = performance.eventLoopUtilization();
    const span = at - this.last.at;
    const occupancy = span > 0 ? Math.min(1, (busyMs - this.last.busyMs) / span) : 0;
    const utilization = performance.eventLoopUtilization(elu, this.last.elu).utilization;
    this.last = { at, busyMs, elu };
    return { occupancy, utilization };
  }
}
