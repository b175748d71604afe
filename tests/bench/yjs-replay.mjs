// yjs-replay.mjs: replays a sequential editing trace into a Yjs Y.Text.
// Run by bench-replay: node yjs-replay.mjs TRACE.json.gz MODULES_DIR.
//
// MODULES_DIR is where `npm install --prefix MODULES_DIR yjs` put Yjs. The
// trace is parsed first (not timed); then each run replays every patch into
// a fresh Y.Doc, RUNS times, and checks the final text is endContent. Prints
// "yjs-version V" and "yjs-ms N" (the best run), or exits non-zero.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';

const RUNS = 5;

const [tracePath, modulesDir] = process.argv.slice(2);
if (!tracePath || !modulesDir) {
  console.error('usage: node yjs-replay.mjs TRACE.json.gz MODULES_DIR');
  process.exit(2);
}

const require = createRequire(join(resolve(modulesDir), 'index.js'));
const Y = require('yjs');
const yjsPackage = JSON.parse(readFileSync(
  join(resolve(modulesDir), 'node_modules', 'yjs', 'package.json'), 'utf8'));

const trace = JSON.parse(gunzipSync(readFileSync(tracePath)).toString('utf8'));
if (trace.kind === 'concurrent') {
  console.error('yjs-replay: a concurrent trace; only sequential ones replay');
  process.exit(1);
}

// Trace positions count code points; Y.Text counts UTF-16 units. They agree
// as long as no text is outside the Basic Multilingual Plane: refuse others.
const astral = /[\uD800-\uDFFF]/;
const patches = [];
for (const txn of trace.txns) {
  for (const patch of txn.patches) {
    if (astral.test(patch[2])) {
      console.error('yjs-replay: text outside the BMP; positions would differ');
      process.exit(1);
    }
    patches.push(patch);
  }
}

let best = Infinity;
for (let run = 0; run < RUNS; run++) {
  const doc = new Y.Doc();
  const text = doc.getText('text');
  if (trace.startContent) text.insert(0, trace.startContent);

  const start = performance.now();
  for (const [pos, del, ins] of patches) {
    if (del > 0) text.delete(pos, del);
    if (ins.length > 0) text.insert(pos, ins);
  }
  const ms = performance.now() - start;

  if (text.toString() !== trace.endContent) {
    console.error('yjs-replay: the final text is not endContent');
    process.exit(1);
  }
  best = Math.min(best, ms);
  doc.destroy();
}

console.log(`yjs-version ${yjsPackage.version}`);
console.log(`yjs-ms ${best.toFixed(2)}`);
