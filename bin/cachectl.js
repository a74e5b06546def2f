#!/usr/bin/env node
// No main-guard: this must also work through npm's symlinked global bin.
import { setFlagsFromString } from 'node:v8';

// V8 grows the young generation to 3 × 16 MiB when objects survive its collections, and a
// scan's per-directory objects (names, stats, a batch in flight) do: a third of a
// report's peak memory, for no speed (bench/README.md, "The young generation"). It stays
// at its start size here. The CLI's choice, not the library's: it is process-wide.
setFlagsFromString('--semi-space-growth-factor=1');

// dist/cachectl.js is the bundle (scripts/bundle.mjs): everything, dependencies included.
const { main } = await import('../dist/cachectl.js');
process.exitCode = await main(process.argv.slice(2));
