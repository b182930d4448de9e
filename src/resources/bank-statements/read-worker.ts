// The worker thread that reads statement files (reader.ts): decoding and parsing a file of
// megabytes takes seconds of CPU, which here does not hold up the event loop that serves
// every other request. One message in (the file's bytes), one out (what it says, or the
// Stripe-shaped refusal).
import { parentPort } from 'node:worker_threads';
import { ApiError } from '../../core/errors.ts';
import { readStatementFile, type StatementReading } from './read.ts';

export type WorkerReply = { ok: true; reading: StatementReading } | { ok: false; error: { message: string; param?: string; code?: string; status: number } };

parentPort?.on('message', (bytes: Uint8Array) => {
  let reply: WorkerReply;
  try {
    reply = { ok: true, reading: readStatementFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error; // the worker dies; reader.ts answers for it
    reply = { ok: false, error: { message: error.message, param: error.param, code: error.code, status: error.status } };
  }
  parentPort!.postMessage(reply);
});
