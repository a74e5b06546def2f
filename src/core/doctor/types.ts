/** What `cachectl doctor` finds: one verdict per check. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Stable name for scripts: cache-root, dir-layout, max-file-size, ... */
  readonly id: string;
  readonly status: CheckStatus;
  /** One sentence: what was found. */
  readonly message: string;
  /** What to change, or null when nothing needs to. */
  readonly fix: string | null;
  /** The CacheRoot a per-cache check is about (absent for whole-system checks). */
  readonly cache?: string;
  /** Further findings behind the sentence (every config problem, every cleaner), when there are several. */
  readonly details?: readonly string[];
}

export const ok = (id: string, message: string, cache?: string): Check => ({ id, status: 'ok', message, fix: null, ...(cache ? { cache } : {}) });
export const warn = (id: string, message: string, fix: string, cache?: string): Check => ({ id, status: 'warn', message, fix, ...(cache ? { cache } : {}) });
export const fail = (id: string, message: string, fix: string, cache?: string): Check => ({ id, status: 'fail', message, fix, ...(cache ? { cache } : {}) });

/** The same check with details attached (none when empty). */
export const withDetails = (c: Check, details: readonly string[]): Check => (details.length ? { ...c, details } : c);

/** The worse of two statuses. */
export const worst = (a: CheckStatus, b: CheckStatus): CheckStatus => (a === 'fail' || b === 'fail' ? 'fail' : a === 'warn' || b === 'warn' ? 'warn' : 'ok');
