#!/usr/bin/env node
// `npm run build`, and `prepare` at every install: bundles src/ and its dependencies into plain
// JavaScript in dist/ with esbuild (dist/cli.js, plus chunks that load only when a command
// needs them, such as pg or the auditor, and the statement reader's worker thread), and
// copies the static files beside it in their folders (the dashboard), so `cashbook` and
// `npm start` run no TypeScript compiler and load one file instead of hundreds of modules.
// Type checking stays in `npm test` (tsc --noEmit).
// dist/BUILD records a fingerprint of src/ and this script; `--if-stale` builds only when it
// no longer matches (the CLI tests use this on a fresh clone or after an edit).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, 'BUILD');

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : [full];
  }).sort();
}

function fingerprint() {
  const hash = createHash('sha256');
  for (const file of [...files(src), fileURLToPath(import.meta.url), path.join(root, 'package-lock.json')]) {
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const wanted = fingerprint();
if (process.argv.includes('--if-stale') && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === wanted) process.exit(0);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('cashbook build: esbuild is not installed: run `npm install` (with dev dependencies) first\n');
  process.exit(1);
}

// A bundled module keeps the import.meta.url it would have unbundled (dist/<its path>.js), so
// a module that reads files beside it (the dashboard) finds them where they are copied.
const ownUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const relative = path.relative(src, args.path).split(path.sep).join('/').replace(/\.ts$/, '.js');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, __cashbookRoot).href`), loader: 'ts' };
    });
  },
};

const started = Date.now();
const staging = `${dist}.building-${process.pid}`;
fs.rmSync(staging, { recursive: true, force: true });
try {
  await esbuild.build({
    absWorkingDir: root,
    // The statement reader's worker thread is an entry of its own, where reader.ts looks for it.
    entryPoints: { cli: 'src/cli.ts', 'resources/bank-statements/read-worker': 'src/resources/bank-statements/read-worker.ts' },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Native code (better-sqlite3) and optional pieces its dependencies probe for stay outside.
    external: ['better-sqlite3', 'pg-native', 'pino-pretty'],
    banner: {
      js: [
        "import { createRequire as __cashbookRequire } from 'node:module';",
        'const require = __cashbookRequire(import.meta.url);',
        'const __cashbookRoot = import.meta.url;',
      ].join(' '),
    },
    plugins: [ownUrl],
    logLevel: 'warning',
  });
} catch {
  fs.rmSync(staging, { recursive: true, force: true });
  process.stderr.write('cashbook build: esbuild failed (see above)\n');
  process.exit(1);
}
for (const file of files(src)) {
  if (file.endsWith('.ts')) continue;
  const target = path.join(staging, path.relative(src, file));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(file, target);
}
fs.writeFileSync(path.join(staging, 'BUILD'), `${wanted}\n`);
fs.rmSync(dist, { recursive: true, force: true });
fs.renameSync(staging, dist);
process.stdout.write(`cashbook build: src/ bundled into dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
