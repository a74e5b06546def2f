import type { CliContext } from '../context.js';
import { formatCount, formatSize } from '../../api/common.js';

/**
 * A throttled one-line status on stderr (≤ 10 updates/s), only when stderr is a TTY:
 * cron mails and journald logs stay clean.
 */
export function scanProgress(ctx: CliContext): { update(p: { files: number; bytes: number }): void; done(): void } {
  if (!ctx.errIsTTY) return { update() {}, done() {} };
  const start = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      const rate = Math.round(p.files / Math.max(0.001, (now - start) / 1000));
      ctx.err(`\r\x1b[Kscanning: ${formatCount(p.files)} files, ${formatSize(p.bytes)} (${formatCount(rate)} files/s)`);
    },
    done() {
      if (shown) ctx.err('\r\x1b[K');
    },
  };
}
