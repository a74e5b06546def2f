#!/usr/bin/env node
// No main-guard: this must also work through a symlink (npm's, or `cachectl compat install`'s).
import { setFlagsFromString } from 'node:v8';

// The young generation stays at its start size, as in bin/cachectl.js (which says why).
setFlagsFromString('--semi-space-growth-factor=1');

// dist/cachectl.js is the bundle (scripts/bundle.mjs): everything, dependencies included.
const { mainHtcacheclean } = await import('../dist/cachectl.js');
process.exitCode = await mainHtcacheclean(process.argv.slice(2));
