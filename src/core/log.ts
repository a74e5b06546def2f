/** The core logs through this; the CLI decides where (stderr, text or JSON). Silent by default. */
export interface Log {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  debug?(msg: string, fields?: Record<string, unknown>): void;
}

export const noopLog: Log = { info() {}, warn() {} };
