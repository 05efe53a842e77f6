import { describe, expect, it } from 'vitest';
import { dailySummary } from './daily-summary.ts';

describe('dailySummary', () => {
  it('lists shadow mode’s paper books under the production strategies, with their tracking difference', () => {
    // Arrange: a day with one live strategy shadowed per-book and one shadow-only strategy
    const day = {
      runId: '2025-12-01.dev',
      tradingDay: '2025-12-01',
      status: 'SUCCEEDED',
      reconciliation: { ok: true, differences: 0 },
      branches: [{ strategyId: 'gold', flow: 'aggregated', outcome: 'SKIPPED' }],
      shadowSummaries: [
        {
          strategyId: 'gold',
          mode: 'live' as const,
          flow: 'per-book' as const,
          outcome: 'TRADED' as const,
          nav: '10250.5',
          dayPnl: '-12.25',
          productionNav: '10240',
          productionDayPnl: '-10',
          trackingDifferencePct: '0.11',
        },
        {
          strategyId: 'trial',
          mode: 'shadow' as const,
          flow: 'per-book' as const,
          outcome: 'ALL_HOLD' as const,
          nav: null,
          dayPnl: null,
          productionNav: null,
          productionDayPnl: null,
          trackingDifferencePct: null,
        },
      ],
    };
    // Act
    const { text } = dailySummary('dev', day, null, [], null);
    // Assert
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('shadow (paper)'));
    expect(header).toBeGreaterThan(lines.findIndex((l) => l.startsWith('gold')));
    expect(lines[header + 1]).toMatch(/^gold\s+per-book\s+TRADED\s+\$10,250\.50\s+−\$12\.25\s+0\.11 pts$/);
    expect(lines[header + 2]).toMatch(/^trial \(shadow only\)\s+per-book\s+ALL_HOLD\s+—\s+—\s+—$/);
  });

  it('says what was netted between books, and nothing on a day without a cross', () => {
    const day = {
      runId: 'r',
      tradingDay: '2025-12-01',
      status: 'SUCCEEDED',
      reconciliation: { ok: true, differences: 0 },
      branches: [],
    };
    const netted = dailySummary('dev', day, null, [], null, { crosses: 2, notional: '7266.0312' });
    expect(netted.text.split('\n')).toContain(
      'Netted at the account: 2 cross(es) between books, $7,266.03 (no broker order)',
    );
    for (const none of [null, { crosses: 0, notional: '0' }])
      expect(dailySummary('dev', day, null, [], null, none).text).not.toContain('Netted');
  });

  it('has no shadow section on a day without shadowed strategies', () => {
    const { text } = dailySummary(
      'dev',
      {
        runId: 'r',
        tradingDay: '2025-12-01',
        status: 'SUCCEEDED',
        reconciliation: { ok: true, differences: 0 },
        branches: [],
      },
      null,
      [],
      null,
    );
    expect(text).not.toContain('shadow (paper)');
  });
});
