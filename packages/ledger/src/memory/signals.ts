/** The {@link SignalLedger} role in memory: each strategy's weights in a run, written once. */
import { SameOn, sameOn } from '../repository/records.ts';
import type { SignalLedger } from '../repository/signals.ts';
import type { Signal } from '../types.ts';
import { createOnce, type MemoryCtx } from './store.ts';
import { composite } from './table.ts';

/** The {@link SignalLedger} over a memory store. */
export const memorySignalLedger = (m: MemoryCtx): SignalLedger => ({
  recordSignal: async (input) => {
    const item: Signal = { ...input, recordedAt: m.now() };
    return createOnce(m, 'recordSignal', m.store.signals, item, (e) => sameOn(item, e, SameOn.signal));
  },
  getSignal: async (runId, strategyId) => m.store.signals.get(composite(runId, strategyId)) ?? null,
  listSignalsOfRun: async (runId, o) => m.store.signals.page('byRun', runId, o),
  listSignalsOfStrategy: async (strategyId, o) => m.store.signals.page('byStrategyDay', strategyId, o),
});
