import { buildReport, compareReports } from '@ensemble/core';
import { describe, expect, it } from 'vitest';
import { chartsOf, holdingsOf, shadowChartsOf } from './chart-data.ts';
import { renderReportHtml } from './html.ts';
import { sampleHistory, sampleShadowHistory } from './testing/sample.ts';
import { formatComparisonText, formatPeriodSummary, formatReportText } from './text.ts';

const history = sampleHistory('2024-01-02', '2024-03-28');
const report = buildReport(history);

describe('chartsOf', () => {
  it('puts every unit on the account’s sessions, and one allocation per book with holdings', () => {
    // Act
    const charts = chartsOf(report, holdingsOf(history));
    // Assert
    expect(charts.map((c) => c.id)).toEqual([
      'equity',
      'growth',
      'drawdown',
      'allocation-pool',
      'allocation-alpha',
      'allocation-beta',
      'allocation-gamma',
    ]);
    for (const c of charts) {
      expect(c.x).toHaveLength(report.sessions);
      for (const s of c.series) expect(s.values, `${c.id}/${s.label}`).toHaveLength(report.sessions);
    }
    // gamma starts late: no value before its first session; growth starts at 1 on it.
    const growth = charts.find((c) => c.id === 'growth')!.series.find((s) => s.label === 'gamma')!;
    const first = growth.values.findIndex((v) => v !== null);
    expect(first).toBeGreaterThan(0);
    expect(growth.values[first]).toBe(1);
    // An allocation's bands (holdings, other, cash) add up to 100 % on every session with holdings.
    for (const c of charts.filter((x) => x.kind === 'stacked'))
      c.x.forEach((_, t) => {
        const total = c.series.reduce((a, s) => a + (s.values[t] ?? 0), 0);
        if (c.series.some((s) => s.values[t] !== null)) expect(total).toBeCloseTo(1, 9);
      });
  });
});

describe('renderReportHtml', () => {
  it('is one self-contained page: no external script, style or link; data cannot close its element', () => {
    // Act
    const html = renderReportHtml(report, { title: 'Ensemble </script><b>x</b>' });
    // Assert
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\/(?!github\.com\/leeoniya)/);
    expect(html).toContain('Ensemble &#60;/script&#62;&#60;b&#62;x&#60;/b&#62;');
    const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(data!).charts.length).toBe(3);
  });
});

describe('text', () => {
  it('one line per unit: the account, the benchmark, the pool, each strategy', () => {
    const lines = formatReportText(report);
    const ids = ['account', 'SPY', 'pool', ...report.strategies.map((s) => s.id)];
    for (const id of ids) expect(lines.some((l) => l.trim().startsWith(`${id} `))).toBe(true);
    const summary = formatPeriodSummary(report);
    expect(summary[0]).toMatch(/^Period 2024-01-02 → 2024-03-28: \d+ sessions/);
    expect(summary.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual(ids);
  });

  it('--flow compare: the account per flow and the difference, then each strategy', () => {
    // Arrange: the same set, a second history whose last session is one day shorter
    const other = buildReport(sampleHistory('2024-01-02', '2024-03-27'));
    // Act
    const lines = formatComparisonText(compareReports(report, other));
    // Assert
    expect(lines[0]).toBe('Per-book vs aggregated');
    const orders = lines
      .find((l) => l.trim().startsWith('orders '))!
      .trim()
      .split(/\s+/);
    expect(orders).toEqual([
      'orders',
      String(report.account.metrics.orders),
      String(other.account.metrics.orders),
      String(report.account.metrics.orders - other.account.metrics.orders),
    ]);
    for (const s of report.strategies) expect(lines.some((l) => l.trim().startsWith(`${s.id} `))).toBe(true);
  });
});

describe('shadow mode in the report', () => {
  const shadowed = buildReport(sampleShadowHistory('2024-01-02', '2024-03-28'));

  it('draws production and paper per shadowed strategy on the paper book’s sessions; paper only for trial', () => {
    // Act
    const charts = shadowChartsOf(shadowed);
    // Assert
    expect(charts.map((c) => [c.id, c.series.map((s) => s.label)])).toEqual([
      ['shadow-delta', ['production', 'paper']],
      ['shadow-trial', ['paper']],
    ]);
    const delta = shadowed.shadows![0]!;
    expect(charts[0]!.x).toHaveLength(delta.paper.equity.length);
    for (const s of charts[0]!.series) expect(s.values[0]).toBe(1);
    expect(delta.production!.equity[0]![0]).toBe(delta.paper.equity[0]![0]);
  });

  it('the page has a shadow section with one row per shadowed strategy; the text one line each', () => {
    // Act
    const html = renderReportHtml(shadowed);
    const lines = formatReportText(shadowed);
    // Assert
    expect(html).toContain('<h2>Shadow: production vs paper</h2>');
    const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(data!).charts.map((c: { id: string }) => c.id)).toContain('shadow-trial');
    const at = lines.findIndex((l) => l.startsWith('Shadow ('));
    expect(lines.slice(at + 2).map((l) => l.trim().split(/\s+/)[0])).toEqual(['delta', 'trial']);
    expect(lines[at + 3]).toContain('(paper only)');
    expect(renderReportHtml(report)).not.toContain('Shadow: production vs paper');
  });
});
