#!/usr/bin/env node
// No main-guard: this must also work through npm's symlinked global bin.
// dist/cachectl.js is the bundle (scripts/bundle.mjs): everything, dependencies included.
import { main } from '../dist/cachectl.js';

process.exitCode = await main(process.argv.slice(2));
