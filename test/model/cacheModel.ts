/**
 * Model-based test of the persisted index: random histories of what happens to a real
 * mod_cache_disk tree (httpd stores, hits, revalidates and removes entries; admins chmod,
 * restore and move things; logrotate rotates the access log), and after any of them a
 * check that a run starting from the index decides exactly what a `--full` run decides.
 *
 * The "model" is the full scan itself: it reads everything and trusts nothing, so the
 * harness keeps almost no state of its own. Commands carry only generated numbers
 * ("entry #7"), resolved against the tree as it is when they run; each history writes
 * what they resolved to into its trace, which a failure prints.
 *
 *   history.ts   a history's tree, state dirs, logs and trace
 *   tree.ts      the fixture tree and httpd-like primitives on it
 *   commands.ts  the commands (COMMANDS)
 *   checks.ts    the oracles: checkEquivalence, pruneForReal
 *   compare.ts   withoutRunFields (what may differ between runs) and differences
 */
import fc from 'fast-check';
import { checkEquivalence, Divergence, pruneForReal, type RunParams } from './checks.js';
import { COMMANDS, commandArbitraries, order, usage, type Cmd, type CommandName } from './commands.js';
import { History, READERS, timed, type Model } from './history.js';

export { History, READERS, timings } from './history.js';

/**
 * CACHECTL_FUZZ_SURVEY=1: a divergence ends its history without failing the property; they
 * are collected here (by their first line, numbers masked) and the test prints a summary.
 * For a census of the causes present; the default mode fails and shrinks the first one.
 */
export const SURVEY = process.env.CACHECTL_FUZZ_SURVEY === '1';
export let disturbedHistories = 0;
export const survey = new Map<string, { count: number; example: string; commands: number }>();

export interface Setup {
  useLog: boolean;
  walker: (typeof READERS)[number];
  /** The last check's prune: limit 0 or half the cache, in this usage, prune or report first. */
  usage: 'disk' | 'apparent';
  fraction: number;
  order: RunParams['order'];
  /** End with a real prune too (a third of the histories: budget; pruneForReal is also a command). */
  finalPrune: boolean;
}

const setupArb: fc.Arbitrary<Setup> = fc.record({
  useLog: fc.boolean(), walker: fc.constantFrom(...READERS), usage, fraction: fc.constantFrom(0, 0.5), order,
  finalPrune: fc.constantFrom(false, false, true),
});

/**
 * One history: a fresh tree with a saved index, the commands, then a last equivalence
 * check (and maybe a real prune). A failure carries the history as it resolved.
 */
export async function runHistory(parent: string, s: Setup, cmds: Iterable<fc.AsyncCommand<Model, History, boolean>>): Promise<void> {
  const h = await timed('create', () => History.create(parent, s.useLog, s.walker));
  try {
    await fc.asyncModelRun(() => ({ model: { useLog: s.useLog }, real: h }), cmds);
    await h.step(`end. run(limit ${s.fraction} of ${s.usage}, ${s.order})`, async () => {
      const size = await timed('end: run', () => checkEquivalence(h, { usage: s.usage, fraction: s.fraction, expiredFirst: false, order: s.order }));
      return `equal (cache ${size} B)`;
    });
    if (s.finalPrune) await h.step(`end. pruneForReal(limit 0.5 of ${s.usage})`, () => timed('end: pruneForReal', () => pruneForReal(h, { usage: s.usage, fraction: 0.5 })));
  } catch (e) {
    const err = e as Error;
    // Not our finding: skip the history (fast-check counts it as skipped, not as passed).
    if (e instanceof Divergence && (await h.disturbed())) {
      disturbedHistories++;
      fc.pre(false);
    }
    const example = `${err.message}\n  history (reader ${s.walker}, access log ${s.useLog ? 'on' : 'off'}):\n    ${h.trace.join('\n    ')}`;
    if (SURVEY && e instanceof Divergence) {
      const kind = err.message.split('\n').slice(0, 2).join(' / ').replace(/\d+(\.\d+)?/g, 'N').replace(/"[^"]*"/g, '"…"');
      const seen = survey.get(kind);
      if (!seen) survey.set(kind, { count: 1, example, commands: h.trace.length });
      else {
        seen.count++;
        if (h.trace.length < seen.commands) Object.assign(seen, { example, commands: h.trace.length });
      }
      return;
    }
    err.message = example;
    throw err;
  } finally {
    h.dispose();
  }
}

/** The property the test runs: any history keeps indexed and --full runs equal. */
export function historyProperty(parent: string, maxCommands: number, replayPath?: string) {
  return fc.asyncProperty(setupArb, fc.commands(commandArbitraries(), { maxCommands, replayPath }), (s, cmds) => runHistory(parent, s, cmds));
}

/** A history written out by hand (to replay a counterexample's commands): [kind, params] pairs. */
export function commandsOf(steps: [CommandName, unknown][]): Cmd[] {
  return steps.map(([name, p]) => (COMMANDS[name].make as (x: unknown) => Cmd)(p));
}
