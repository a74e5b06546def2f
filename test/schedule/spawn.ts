import { spawn, type ChildProcess } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { BIN, binEnv } from '../helpers/cli.js';

export interface Running {
  readonly child: ChildProcess;
  /** JSON log lines so far (--log-format json). */
  readonly lines: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the lines once `pred` holds; rejects after `ms`. */
  waitFor(pred: (lines: Record<string, unknown>[]) => boolean, ms?: number): Promise<Record<string, unknown>[]>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `cachectl schedule ...` as users run it (the built bin) and follows its log. */
export function startScheduler(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [BIN, 'schedule', '--log-format', 'json', ...args], {
    env: binEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let err = '';
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  child.stderr!.on('data', (d: Buffer) => {
    err += d;
    const parts = err.split('\n');
    lines.length = 0;
    for (const l of parts.slice(0, -1)) {
      try {
        lines.push(JSON.parse(l));
      } catch {
        lines.push({ raw: l });
      }
    }
    for (const w of waiters) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal });
      for (const w of waiters) w();
    });
  });
  const waitFor: Running['waitFor'] = (pred, ms = 15_000) => new Promise((resolve, reject) => {
    const check = () => {
      if (pred(lines)) {
        cleanup();
        resolve(lines);
      } else if (child.exitCode !== null || child.signalCode !== null) {
        cleanup();
        reject(new Error(`scheduler exited (${child.exitCode ?? child.signalCode}) first; stderr:\n${err}`));
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${ms} ms; stderr:\n${err}`));
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      waiters.delete(check);
    };
    waiters.add(check);
    check();
  });
  return { child, lines, stderr: () => err, waitFor, exited };
}

export const events = (lines: Record<string, unknown>[], event: string) => lines.filter((l) => l.event === event);
