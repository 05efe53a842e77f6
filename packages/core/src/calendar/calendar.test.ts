import { describe, expect, it } from 'vitest';
import {
  calendarDay,
  holidaysOf,
  isTradingDay,
  marketClockAt,
  marketMomentAt,
  newYorkToUtc,
  nextSession,
  previousSession,
  sessionClose,
  sessionOnOrBefore,
  sessionOpen,
  sessionsBetween,
  toNewYork,
} from './index.ts';

// NYSE's published full-day closures (nyse.com "Holidays & Trading Hours", archived schedules).
const PUBLISHED_HOLIDAYS: Record<number, string[]> = {
  2018: ['01-01', '01-15', '02-19', '03-30', '05-28', '07-04', '09-03', '11-22', '12-05', '12-25'],
  2019: ['01-01', '01-21', '02-18', '04-19', '05-27', '07-04', '09-02', '11-28', '12-25'],
  2020: ['01-01', '01-20', '02-17', '04-10', '05-25', '07-03', '09-07', '11-26', '12-25'],
  2021: ['01-01', '01-18', '02-15', '04-02', '05-31', '07-05', '09-06', '11-25', '12-24'],
  2022: ['01-17', '02-21', '04-15', '05-30', '06-20', '07-04', '09-05', '11-24', '12-26'],
  2023: ['01-02', '01-16', '02-20', '04-07', '05-29', '06-19', '07-04', '09-04', '11-23', '12-25'],
  2024: ['01-01', '01-15', '02-19', '03-29', '05-27', '06-19', '07-04', '09-02', '11-28', '12-25'],
  2025: ['01-01', '01-09', '01-20', '02-17', '04-18', '05-26', '06-19', '07-04', '09-01', '11-27', '12-25'],
  2026: ['01-01', '01-19', '02-16', '04-03', '05-25', '06-19', '07-03', '09-07', '11-26', '12-25'],
  2027: ['01-01', '01-18', '02-15', '03-26', '05-31', '06-18', '07-05', '09-06', '11-25', '12-24'],
};

// Published 13:00 early closes.
const PUBLISHED_EARLY_CLOSES: Record<number, string[]> = {
  2018: ['07-03', '11-23', '12-24'],
  2019: ['07-03', '11-29', '12-24'],
  2020: ['11-27', '12-24'],
  2021: ['11-26'],
  2022: ['11-25'],
  2023: ['07-03', '11-24'],
  2024: ['07-03', '11-29', '12-24'],
  2025: ['07-03', '11-28', '12-24'],
  2026: ['11-27', '12-24'],
  2027: ['11-26'],
};

describe('NYSE calendar', () => {
  it.each(Object.keys(PUBLISHED_HOLIDAYS).map(Number))('has the published holidays of %i', (year) => {
    expect(holidaysOf(year).map((h) => h.date)).toEqual(PUBLISHED_HOLIDAYS[year]?.map((d) => `${year}-${d}`));
  });

  it.each(Object.keys(PUBLISHED_EARLY_CLOSES).map(Number))('has the published early closes of %i', (year) => {
    const early = sessionsBetween(`${year}-01-01`, `${year}-12-31`).filter((d) => d.close !== '16:00');
    expect(early.map((d) => d.date)).toEqual(PUBLISHED_EARLY_CLOSES[year]?.map((d) => `${year}-${d}`));
    expect(early.every((d) => d.close === '13:00' && d.open === '09:30')).toBe(true);
  });

  it('does not observe a Saturday New Year on the Friday before', () => {
    // Arrange: 2022-01-01 was a Saturday. Act/Assert: Friday 2021-12-31 traded.
    expect(isTradingDay('2021-12-31')).toBe(true);
    expect(isTradingDay('2022-01-03')).toBe(true);
  });

  it('has no Juneteenth before 2022', () => {
    expect(isTradingDay('2021-06-18')).toBe(true);
    expect(isTradingDay('2020-06-19')).toBe(true);
    expect(isTradingDay('2022-06-20')).toBe(false);
  });

  it('closes on weekends and names sessions with their hours', () => {
    expect(calendarDay('2025-06-07')).toBeNull();
    expect(calendarDay('2025-06-08')).toBeNull();
    expect(calendarDay('2025-06-09')).toEqual({ date: '2025-06-09', open: '09:30', close: '16:00' });
  });

  it('steps to the previous and next session across weekends and holidays', () => {
    expect(previousSession('2025-01-02')).toBe('2024-12-31');
    expect(nextSession('2024-12-31')).toBe('2025-01-02');
    expect(previousSession('2025-04-21')).toBe('2025-04-17'); // over Good Friday and the weekend
    expect(nextSession('2025-01-08')).toBe('2025-01-10'); // over the Carter closure
    expect(sessionOnOrBefore('2025-06-08')).toBe('2025-06-06');
    expect(sessionOnOrBefore('2025-06-09')).toBe('2025-06-09');
  });

  it('counts 1990 sessions from 2018-01-02 to 2025-12-01 and none when from > to', () => {
    expect(sessionsBetween('2018-01-02', '2025-12-01')).toHaveLength(1990);
    expect(sessionsBetween('2025-01-02', '2025-01-01')).toEqual([]);
  });

  it('fails closed outside its range and on malformed dates', () => {
    expect(() => isTradingDay('2036-01-02')).toThrow(expect.objectContaining({ name: 'MarketClosed' }));
    expect(() => isTradingDay('2009-12-31')).toThrow(/calendar unknown/);
    expect(() => sessionsBetween('2025-01-01', '2025-02-30')).toThrow(/calendar unknown/);
    expect(() => sessionClose('2025-07-04')).toThrow(/not a trading session/);
  });
});

describe('New York time', () => {
  it('converts session times to UTC across daylight saving time', () => {
    expect(sessionOpen('2025-03-07').toISOString()).toBe('2025-03-07T14:30:00.000Z'); // EST
    expect(sessionOpen('2025-03-10').toISOString()).toBe('2025-03-10T13:30:00.000Z'); // EDT from 03-09
    expect(sessionClose('2025-10-31').toISOString()).toBe('2025-10-31T20:00:00.000Z'); // EDT
    expect(sessionClose('2025-11-03').toISOString()).toBe('2025-11-03T21:00:00.000Z'); // EST from 11-02
    expect(sessionClose('2024-12-24').toISOString()).toBe('2024-12-24T18:00:00.000Z'); // early close, EST
    expect(sessionClose('2024-07-03').toISOString()).toBe('2024-07-03T17:00:00.000Z'); // early close, EDT
  });

  it('reads instants around the changes as New York wall time', () => {
    expect(toNewYork(new Date('2025-03-09T06:59:00Z'))).toEqual({ date: '2025-03-09', time: '01:59:00' });
    expect(toNewYork(new Date('2025-03-09T07:00:00Z'))).toEqual({ date: '2025-03-09', time: '03:00:00' });
    expect(toNewYork(new Date('2025-11-02T05:59:00Z'))).toEqual({ date: '2025-11-02', time: '01:59:00' });
    expect(toNewYork(new Date('2025-11-02T06:00:00Z'))).toEqual({ date: '2025-11-02', time: '01:00:00' });
    expect(toNewYork(new Date('2025-01-01T03:00:00Z'))).toEqual({ date: '2024-12-31', time: '22:00:00' });
  });

  it('round-trips every quarter hour of 2024 (a leap year) outside the change hours', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (let t = Date.parse('2024-01-01T00:00:00Z'); t < Date.parse('2025-01-01T00:00:00Z'); t += 900_000) {
      const { date, time } = toNewYork(new Date(t));
      if (time.startsWith('01:') || time.startsWith('02:')) continue;
      if (newYorkToUtc(date, time.slice(0, 5)).getTime() !== t) wrong.push(new Date(t).toISOString());
      checked++;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(30_000);
  });
});

describe('market clock', () => {
  it('is open from the open (inclusive) to the close (exclusive)', () => {
    expect(marketMomentAt(new Date('2025-06-02T13:29:59Z')).isOpen).toBe(false);
    expect(marketMomentAt(new Date('2025-06-02T13:30:00Z')).isOpen).toBe(true);
    expect(marketMomentAt(new Date('2025-06-02T19:59:59Z')).isOpen).toBe(true);
    expect(marketMomentAt(new Date('2025-06-02T20:00:00Z')).isOpen).toBe(false);
    expect(marketMomentAt(new Date('2025-11-28T18:00:00Z')).isOpen).toBe(false); // 13:00 early close
  });

  it('reports the next open and close like Alpaca', () => {
    // Arrange: Friday after the close, before a holiday weekend (Good Friday 2025-04-18 closed).
    const clock = marketClockAt(new Date('2025-04-17T21:00:00Z'));
    // Assert
    expect(clock).toEqual({
      timestamp: '2025-04-17T21:00:00.000Z',
      isOpen: false,
      nextOpen: '2025-04-21T13:30:00.000Z',
      nextClose: '2025-04-21T20:00:00.000Z',
    });
    expect(marketClockAt(new Date('2025-04-17T15:00:00Z'))).toMatchObject({
      isOpen: true,
      nextOpen: '2025-04-21T13:30:00.000Z',
      nextClose: '2025-04-17T20:00:00.000Z',
    });
    expect(marketClockAt(new Date('2025-04-17T12:00:00Z'))).toMatchObject({
      isOpen: false,
      nextOpen: '2025-04-17T13:30:00.000Z',
      nextClose: '2025-04-17T20:00:00.000Z',
    });
  });
});
