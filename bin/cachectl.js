#!/usr/bin/env node
// No main-guard: this must also work through npm's symlinked global bin.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
