#!/usr/bin/env node
// Writes the provider/model price data bundled in @pydantic/genai-prices as a JSON catalogue for
// the MLtrack server: `node export.mjs OUT.json`. The output keeps the upstream data_v2 schema (an
// array of providers, each with `models`, `match` rules and plain / tiered / conditional `prices`)
// so the server's loader reads this file and the upstream data_v2.json alike.
//
// Deterministic and offline: waitForUpdate() resolves to the data bundled in the installed package
// version (pinned in package.json and package-lock.json) because updatePrices() is never called,
// so no network request is made and the same package version always gives byte-identical output.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { waitForUpdate } from '@pydantic/genai-prices';

const out = process.argv[2];
if (!out || process.argv.length > 3) {
  console.error('usage: node export.mjs OUT.json');
  process.exit(2);
}

const providers = await waitForUpdate();
// Fail loudly on a package whose bundled data changed shape, rather than exporting something the
// server would reject at start.
if (!Array.isArray(providers) || providers.length === 0) {
  throw new Error('genai-prices returned no bundled provider data');
}
let models = 0;
for (const provider of providers) {
  if (typeof provider.id !== 'string' || !Array.isArray(provider.models)) {
    throw new Error(`provider without id or models: ${JSON.stringify(provider).slice(0, 200)}`);
  }
  models += provider.models.length;
}

// Write to a temporary file and rename, so an interrupted export never leaves a truncated
// catalogue behind for the build to embed. An unchanged catalogue is not rewritten: its mtime
// would otherwise rebuild and relink the server on every `make build`.
const target = resolve(out);
const text = JSON.stringify(providers) + '\n';
let unchanged = false;
try {
  unchanged = readFileSync(target, 'utf8') === text;
} catch {
  // no previous export
}
if (!unchanged) {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, target);
}

// The package's `exports` hide package.json, so read it beside this script.
const packageJson = new URL('./node_modules/@pydantic/genai-prices/package.json', import.meta.url);
const { version } = JSON.parse(readFileSync(packageJson, 'utf8'));
if (!process.env.MLTRACK_QUIET) {
  console.log(`price-export: @pydantic/genai-prices ${version}: ${providers.length} providers, ${models} models -> ${out}${unchanged ? ' (unchanged)' : ''}`);
}
