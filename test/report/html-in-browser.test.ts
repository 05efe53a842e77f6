/**
 * The HTML report in a real browser (Debian's chromium through playwright-core; see test/support/browser.ts):
 * the file opens from disk with every network request refused, logs no console error, and every chart
 * draws — its canvas carries coloured pixels, not only axes — in both the single report and `--flow compare`;
 * the log-scale toggle redraws them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport, type PerformanceReport } from '@ensemble/core';
import { holdingsOf, renderReportHtml } from '@ensemble/report';
import { sampleHistory } from '@ensemble/report/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from '../support/browser.ts';

interface Drawn {
  ready: boolean;
  log: boolean;
  charts: { id: string; series: number; points: number }[];
}

let browser: Awaited<ReturnType<typeof openBrowser>>;
let dir: string;

beforeAll(async () => {
  browser = await openBrowser();
  dir = await mkdtemp(join(tmpdir(), 'ensemble-report-html-'));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens `html` from a file with the network cut off; returns the page and what it logged and asked for. */
async function open(name: string, html: string) {
  const file = join(dir, name);
  await writeFile(file, html);
  const page = await browser.context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    return url.startsWith('file:') ? route.continue() : route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(
    () => (globalThis as unknown as { ensembleReport?: Drawn }).ensembleReport?.ready,
  );
  return { page, errors, requests, url: pathToFileURL(file).href };
}

const drawn = (page: Page): Promise<Drawn> =>
  page.evaluate(() => (globalThis as unknown as { ensembleReport: Drawn }).ensembleReport);

/** Per chart element: how many pixels of its canvas are coloured (not transparent, not grey). */
const colouredPixels = (page: Page): Promise<Record<string, number>> =>
  page.evaluate(() => {
    const out: Record<string, number> = {};
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } })
      .document;
    for (const el of Array.from(doc.querySelectorAll('.chart')) as {
      id: string;
      querySelector(s: string): {
        width: number;
        height: number;
        getContext(k: '2d'): { getImageData(...a: number[]): { data: Uint8ClampedArray } };
      } | null;
    }[]) {
      const canvas = el.querySelector('canvas');
      if (!canvas || canvas.width === 0 || canvas.height === 0) {
        out[el.id] = 0;
        continue;
      }
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
        if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 30) n++;
      }
      out[el.id] = n;
    }
    return out;
  });

const expectEveryChartDrawn = async (page: Page, expectedCharts: number) => {
  const state = await drawn(page);
  expect(state.charts.length).toBe(expectedCharts);
  for (const c of state.charts) {
    expect(c.points, c.id).toBeGreaterThan(1);
    expect(c.series, c.id).toBeGreaterThan(0);
  }
  const pixels = await colouredPixels(page);
  expect(Object.keys(pixels).sort()).toEqual(state.charts.map((c) => `chart-${c.id}`).sort());
  for (const [id, n] of Object.entries(pixels)) expect(n, id).toBeGreaterThan(200);
};

describe('the HTML report in a browser', () => {
  const history = sampleHistory();
  const report = buildReport(history);

  it('opens without a network, logs no error, and draws every chart; the log scale redraws them', async () => {
    // Arrange / Act
    const { page, errors, requests, url } = await open(
      'report.html',
      renderReportHtml(report, { holdings: holdingsOf(history), generatedAt: '2024-06-28T21:00:00Z' }),
    );
    // Assert: the charts (equity, growth, drawdown, one allocation per book with holdings)
    const books = Object.keys(holdingsOf(history)).length;
    await expectEveryChartDrawn(page, 3 + books);
    expect(requests).toEqual([url]);
    // The tables: one metrics row per unit, one monthly row per year.
    expect(await page.locator('table.metrics tbody tr').count()).toBe(1 + 1 + 1 + report.strategies.length);
    expect(await page.locator('table.monthly tbody tr').count()).toBe(2);
    // Log scale: redrawn, still drawn.
    await page.check('#log-scale');
    await page.waitForFunction(() => (globalThis as unknown as { ensembleReport: Drawn }).ensembleReport.log);
    await expectEveryChartDrawn(page, 3 + books);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('--flow compare: both flows side by side, their differences, and every chart drawn', async () => {
    // Arrange
    const aggregated: PerformanceReport = buildReport({ ...sampleHistory(), flow: 'aggregated' });
    // Act
    const { page, errors } = await open(
      'compare.html',
      renderReportHtml(
        { compare: { 'per-book': report, aggregated } },
        { compareHoldings: { 'per-book': holdingsOf(history) } },
      ),
    );
    // Assert
    const books = Object.keys(holdingsOf(history)).length;
    await expectEveryChartDrawn(page, 3 + books + 3);
    expect(await page.locator('text=Tracking difference per strategy').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
