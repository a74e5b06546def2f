#!/usr/bin/env node
// No main-guard: this must also work through npm's symlinked global bin.
import { mainHtcacheclean } from '../dist/cli/compat/main.js';

process.exitCode = await mainHtcacheclean(process.argv.slice(2));
