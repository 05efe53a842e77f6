import { describe, expect, it } from 'vitest';
import { bookSymbols, symbolOverlap } from './overlap.ts';

describe('symbolOverlap', () => {
  it('reports symbols that two or more books hold or target', () => {
    // Arrange
    const books = [
      bookSymbols(
        { bookId: 'pool', cash: '0', positions: [{ symbol: 'SPY', qty: '1', costBasis: '1' }] },
        { TLT: '1' },
      ),
      bookSymbols({ bookId: 'strategy#a', cash: '0', positions: [] }, { SPY: '0.5', QQQ: '0.5' }),
      bookSymbols({
        bookId: 'strategy#b',
        cash: '0',
        positions: [{ symbol: 'TLT', qty: '2', costBasis: '1' }],
      }),
    ];
    // Act
    const o = symbolOverlap(books);
    // Assert
    expect(o).toEqual([
      { symbol: 'SPY', books: ['pool', 'strategy#a'], holders: ['pool'], targeters: ['strategy#a'] },
      { symbol: 'TLT', books: ['pool', 'strategy#b'], holders: ['strategy#b'], targeters: ['pool'] },
    ]);
  });
});
