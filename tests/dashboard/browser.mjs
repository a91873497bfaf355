// The browser the page tests drive: Debian's chromium through playwright-core (installed by
// tools/bootstrap.sh, npm ci here). Exits 77 (skipped) without chromium, 1 without playwright-core.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.log(`SKIP: no chromium at ${chromiumPath} (tools/bootstrap.sh installs Debian's chromium)`);
  process.exit(77);
}
let loaded;
try {
  loaded = createRequire(import.meta.url)('playwright-core');
} catch (e) {
  console.error('FAIL: playwright-core is not installed: run tools/bootstrap.sh (npm ci in tests/dashboard)');
  process.exit(1);
}
export const { chromium } = loaded;
