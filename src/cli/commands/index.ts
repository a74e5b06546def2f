import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerReport } from './report.js';
import { registerDemo } from './demo.js';
import { registerPrune } from './prune.js';
import { registerList } from './list.js';
import { registerDelete } from './delete.js';
import { registerHtcacheclean } from './htcacheclean.js';
import { registerSchedule } from './schedule.js';
import { registerSizing } from './sizing.js';
import { registerDoctor } from './doctor.js';
import { registerVersion } from './version.js';
import { registerCompletion } from './completion.js';
import { registerCompat } from './compat.js';

/** One line per command; each command lives in its own file. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerReport(program, ctx);
  registerPrune(program, ctx);
  registerList(program, ctx);
  registerDelete(program, ctx);
  registerHtcacheclean(program, ctx);
  registerSchedule(program, ctx);
  registerSizing(program, ctx);
  registerDoctor(program, ctx);
  registerDemo(program, ctx);
  registerCompat(program, ctx);
  registerCompletion(program, ctx);
  registerVersion(program, ctx);
}
