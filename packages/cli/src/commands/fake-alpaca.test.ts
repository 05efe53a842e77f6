import { alpacaFromEnv } from '@ensemble/alpaca';
import { describe, expect, it } from 'vitest';
import { fakeAlpacaCommand } from './fake-alpaca.ts';

describe('ensemble fake-alpaca', () => {
  it('serves the Alpaca API that alpacaFromEnv reaches through APCA_API_BASE_URL / APCA_API_DATA_URL', async () => {
    // Arrange
    const lines: string[] = [];
    const stop = new AbortController();
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), cwd: '.', env: {} };
    const running = fakeAlpacaCommand({ date: '2025-11-26', signal: stop.signal }, io);
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 10));
    const url = /on (http:\/\/\S+)/.exec(lines[0]!)![1]!;
    const alpaca = alpacaFromEnv(
      {
        APCA_API_KEY_ID: 'PKFAKE',
        APCA_API_SECRET_KEY: 'fake',
        APCA_API_BASE_URL: url,
        APCA_API_DATA_URL: url,
      },
      { rateLimit: false },
    );
    // Act
    const order = await alpaca.broker.submitOrder({
      clientOrderId: 'cli-1',
      symbol: 'SPY',
      side: 'buy',
      qty: '1',
      type: 'market',
      timeInForce: 'day',
    });
    const filled = await alpaca.broker.getOrderByClientId('cli-1');
    const bars = await alpaca.marketData.loadBars({ symbols: ['SPY'], from: '2025-11-01', to: '2025-11-26' });
    stop.abort();
    // Assert
    expect(await running).toBe(0);
    expect(order.clientOrderId).toBe('cli-1');
    expect(filled).toMatchObject({ status: 'filled', filledQty: '1' });
    expect(bars.get('SPY')!.dates.at(-1)).toBe('2025-11-26');
    expect(lines.join('\n')).toContain('ensemble run --broker alpaca --date 2025-11-26');
  });
});
