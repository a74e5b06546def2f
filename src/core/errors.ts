/**
 * Typed errors: the CLI's one catch maps `exitCode` to the process exit status and
 * prints `message` as one sentence, with no stack (these are users' mistakes or the
 * world's state, not bugs).
 */
export class CachectlError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = new.target.name;
  }
}

/** A bad flag or value: exit 2. */
export class UsageError extends CachectlError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The cache root is missing, not a directory (exit 2) or unreadable (exit 1). */
export class CacheRootError extends CachectlError {
  constructor(message: string, exitCode = 2) {
    super(message, exitCode);
  }
}

/** Another cachectl holds the cache's lock: exit 3. */
export class LockHeldError extends CachectlError {
  constructor(message: string, readonly pid: number) {
    super(message, 3);
  }
}
