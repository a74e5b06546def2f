import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Tests that need a real browser drive Debian's chromium through playwright-core (which
 * downloads nothing). They skip with a visible reason where it is missing; CI installs it
 * and sets CACHECTL_REQUIRE_BROWSER=1, which turns such a skip into a failure.
 */
export const REQUIRE_BROWSER = process.env.CACHECTL_REQUIRE_BROWSER === '1';

export function needBrowser(): { path: string | null; reason: string } {
  // CACHECTL_CHROMIUM names the one to use (or, pointing nowhere, shows what a machine without one does).
  const candidates = process.env.CACHECTL_CHROMIUM ? [process.env.CACHECTL_CHROMIUM] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const path = candidates.find((p) => existsSync(p)) ?? null;
  const reason = "chromium not found: install Debian's chromium (apt-get install chromium) to run these tests";
  if (!path && REQUIRE_BROWSER) throw new Error(`CACHECTL_REQUIRE_BROWSER=1 but ${reason}`);
  return { path, reason };
}

/** No network of its own: no updates, no sync, no QUIC, nothing in the background. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A browser with a new, empty profile in `userDataDir` (the caller's temp dir). */
export function launchBrowser(executablePath: string, userDataDir: string, opts: { javaScriptEnabled?: boolean; colorScheme?: 'light' | 'dark' } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 },
    javaScriptEnabled: opts.javaScriptEnabled ?? true, colorScheme: opts.colorScheme ?? 'light',
  });
}
