export type { CliIO } from './io.ts';
export { main, USAGE } from './main.ts';
