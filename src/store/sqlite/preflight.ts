// Checks of an existing SQLite file before a server (or `cashbook migrate`) opens it to write.
// SQLite opens a file it may not write read-only without a word, and reads a damaged page only
// when a query reaches it: without these checks such a server starts, then fails every write
// (read-only) or acknowledges writes into a malformed file (corrupt).
import fs from 'node:fs';
import Database from 'better-sqlite3';

/** Files up to this size get `PRAGMA quick_check` at start (about a second per GiB here, when cached). */
export const QUICK_CHECK_MAX_BYTES = 1024 ** 3;

/** Problems quoted in the error; quick_check lists one line per damaged page. */
const SHOWN_PROBLEMS = 3;

export class PreflightError extends Error {}

function writable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Throws a PreflightError saying why `file` cannot be served; SQLite's own errors (not a database, …) pass through. */
export function preflightSqlite(file: string): void {
  // The -wal and -shm files are written by every connection in WAL mode, the database by checkpoints.
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(file + suffix) && !writable(file + suffix)) {
      throw new PreflightError(`${suffix ? `its ${suffix} file` : 'the file'} is not writable by this user (uid ${process.getuid?.() ?? '?'}), and the server writes it: fix its owner or mode`);
    }
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const size = fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);
    // Larger files get what every open reads: the header and the schema (a damaged one throws here).
    if (size > QUICK_CHECK_MAX_BYTES) {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      return;
    }
    const problems = (db.pragma(`quick_check(${SHOWN_PROBLEMS + 1})`) as { quick_check: string }[])
      .flatMap((row) => row.quick_check.split('\n'))
      .filter((line) => line !== 'ok' && !line.startsWith('*** in database'));
    if (problems.length > 0) {
      throw new PreflightError(`the file is corrupt (PRAGMA quick_check: ${problems.slice(0, SHOWN_PROBLEMS).join('; ')}${problems.length > SHOWN_PROBLEMS ? '; …' : ''}): restore it from a backup`);
    }
  } finally {
    db.close();
  }
}
