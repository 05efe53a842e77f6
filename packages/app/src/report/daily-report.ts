/**
 * The daily report, published by the Finalize that ends an execution: the performance report of the recorded
 * days of the trailing year up to the run's day (history-from-ledger.ts; the benchmark from the market-data
 * port; no allocation charts, which would need every held symbol's history and every fill: `ensemble report`
 * draws them), written as JSON and as an HTML page under
 * `reports/<day>/`, and the day's summary (daily-summary.ts) sent to the notifier with the page's location.
 * Without a report store or a notifier in the context, that part is not done.
 */
import { addDays, buildReport } from '@ensemble/core';
import { allPages, type OrderLedger, type TransferLedger } from '@ensemble/ledger';
import { renderReportHtml } from '@ensemble/report';
import type { StepDeps } from '../step-deps.ts';
import { nettingOf, nettingPlanId } from '../steps/net-orders.ts';
import { type DayOutcome, dailySummary } from './daily-summary.ts';
import { type HistoryLedger, historyFromLedger } from './history-from-ledger.ts';

/** The ledger reads the daily report needs. */
export type DailyReportLedger = HistoryLedger &
  Pick<OrderLedger, 'listOrdersOfRun'> &
  Pick<TransferLedger, 'getTransferPlan'>;

/** Calendar days the daily report looks back (a year: its cost stays flat as the ledger grows). */
export const DAILY_REPORT_DAYS = 365;

/** Where a day's report goes in the report store. */
export const reportKeys = (day: string): { json: string; html: string } => ({
  json: `reports/${day}/report.json`,
  html: `reports/${day}/report.html`,
});

/** Builds, stores and announces the day's report (see the module comment); where the page is, or null. */
export const publishDailyReport = async (
  deps: StepDeps<DailyReportLedger>,
  day: DayOutcome,
): Promise<string | null> => {
  const { ledger, reports, notifier, clock } = deps.ports;
  if (!reports && !notifier) return null;
  const history = await historyFromLedger(ledger, {
    config: deps.config,
    from: addDays(day.tradingDay, -DAILY_REPORT_DAYS),
    to: day.tradingDay,
    marketData: deps.ports.marketData,
    holdings: false,
    ...(deps.shadow ? { shadowLedger: deps.shadow.ledger } : {}),
  });
  const report = history ? buildReport(history) : null;
  let location: string | null = null;
  if (reports && report) {
    const keys = reportKeys(day.tradingDay);
    await reports.put(keys.json, JSON.stringify(report), 'application/json');
    const html = renderReportHtml(report, {
      title: `Ensemble ${deps.stage}`,
      generatedAt: clock.now().toISOString(),
    });
    location = await reports.put(keys.html, html, 'text/html; charset=utf-8');
  }
  if (notifier) {
    const orders = await allPages((o) => ledger.listOrdersOfRun(day.runId, o));
    const netting = await ledger.getTransferPlan(nettingPlanId(day.runId));
    await notifier.publish(
      dailySummary(deps.stage, day, report, orders, location, netting ? nettingOf(netting) : null),
    );
  }
  return location;
};
