/** `ensemble check [paths…]`: parse and statically validate strategy files. */
import { analyzeStrategy, isEnsembleError } from '@ensemble/core';
import type { CliIO } from '../io.ts';
import { displayPath, findStrategyFiles, loadStrategyFile } from '../strategy-files.ts';

export async function checkCommand(paths: readonly string[], io: CliIO): Promise<number> {
  const files = await findStrategyFiles(paths.length > 0 ? paths : ['strategies'], io.cwd);
  if (files.length === 0) {
    io.err('no .clj files found');
    return 1;
  }
  let failed = 0;
  for (const file of files) {
    try {
      const strategy = await loadStrategyFile(file, io.cwd);
      const req = analyzeStrategy(strategy);
      const maxBars = Math.max(...Object.values(req.bars));
      io.out(
        `ok ${displayPath(file, io.cwd)}: "${strategy.name}", ${req.symbols.length} symbols, up to ${maxBars} bars`,
      );
    } catch (e) {
      if (!isEnsembleError(e)) throw e;
      failed++;
      io.err(e.message);
    }
  }
  if (failed > 0) io.err(`${failed} of ${files.length} files have errors`);
  return failed > 0 ? 1 : 0;
}
