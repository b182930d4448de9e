// Reads a statement file off the event loop: files above a few hundred kilobytes go to one
// worker thread (read-worker.ts), one at a time, so a 30 MB camt.053 does not stall every
// other request for the seconds its parse takes; smaller ones are read in place, where a
// worker's message costs more than the parse. The result is the same either way.
import { Worker } from 'node:worker_threads';
import { ApiError } from '../../core/errors.ts';
import { readStatementFile, type StatementReading } from './read.ts';
import type { WorkerReply } from './read-worker.ts';

/** Files up to this size are read on the event loop. */
export const READ_IN_PLACE_BYTES = 256 * 1024;
/** An idle worker is stopped after this long, giving back the memory a large file took. */
const IDLE_MS = 10_000;

// In dist/ the build writes the worker beside this file as .js. Run from source under tsx, a
// worker does not get tsx's loader (Node 20), so it registers it before importing the .ts.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./read-worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);

function startWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(code, { eval: true, execArgv: [] });
}

let worker: Worker | undefined;
let idle: NodeJS.Timeout | undefined;
let queue: Promise<unknown> = Promise.resolve();

function theWorker(): Worker {
  clearTimeout(idle);
  if (!worker) {
    const started = startWorker();
    started.on('exit', () => {
      if (worker === started) worker = undefined;
    });
    worker = started;
  }
  return worker;
}

function readInWorker(bytes: Uint8Array): Promise<StatementReading> {
  return new Promise((resolve, reject) => {
    const reader = theWorker();
    reader.ref(); // a read in progress keeps the process up
    const done = () => {
      reader.off('message', onMessage).off('error', onError).off('exit', onExit);
      reader.unref();
      idle = setTimeout(() => {
        if (worker === reader) worker = undefined; // the next read starts a new one, never this one while it stops
        void reader.terminate();
      }, IDLE_MS).unref();
    };
    const onMessage = (reply: WorkerReply) => {
      done();
      if (reply.ok) resolve(reply.reading);
      else reject(new ApiError(reply.error.message, { param: reply.error.param, code: reply.error.code, status: reply.error.status }));
    };
    const onError = (error: Error) => {
      done();
      reject(new ApiError(`This statement cannot be imported: it could not be read (${error.message.slice(0, 200)}). Nothing was booked.`, { param: 'file' }));
    };
    const onExit = () => onError(new Error('the reader stopped'));
    reader.on('message', onMessage).on('error', onError).on('exit', onExit);
    // A view of a larger buffer would send all of it: send exactly the file.
    reader.postMessage(bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes));
  });
}

/** The file's text, what it says, and how imports before 2026-12-04 read it; or the 400 of a file that cannot be read. */
export function readStatement(bytes: Uint8Array): Promise<StatementReading> {
  if (bytes.byteLength <= READ_IN_PLACE_BYTES) return Promise.resolve().then(() => readStatementFile(bytes));
  const read = queue.then(() => readInWorker(bytes));
  queue = read.catch(() => undefined);
  return read;
}
