/**
 * A full-page screenshot of an HTML report, for the docs:
 *   node --import tsx test/support/screenshot.ts report.html docs/report.png [width]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openBrowser } from './browser.ts';

const [input, output, width = '1400'] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: screenshot.ts REPORT.html OUT.png [WIDTH]');
  process.exit(2);
}
const browser = await openBrowser();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: Number(width), height: 900 });
  await page.goto(pathToFileURL(resolve(input)).href);
  await page.waitForFunction(
    () => (globalThis as unknown as { ensembleReport?: { ready: boolean } }).ensembleReport?.ready,
  );
  await page.screenshot({ path: output, fullPage: true });
} finally {
  await browser.close();
}
