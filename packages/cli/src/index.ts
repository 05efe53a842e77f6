export { main, USAGE } from './main.ts';
export type { CliIO } from './io.ts';
