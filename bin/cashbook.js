#!/usr/bin/env node
// The `cashbook` command: runs the JavaScript that `npm install` built from src/ (scripts/build.js).
import fs from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!fs.existsSync(entry)) {
  process.stderr.write('cashbook: not built yet: run `npm run build` in the Cashbook folder (`npm install` does it too)\n');
  process.exit(2);
}
await import(entry.href);
