#!/usr/bin/env node
// No main-guard: this must also work through a symlink (npm's, or `cachectl compat install`'s).
// dist/cachectl.js is the bundle (scripts/bundle.mjs): everything, dependencies included.
import { mainHtcacheclean } from '../dist/cachectl.js';

process.exitCode = await mainHtcacheclean(process.argv.slice(2));
