/** Minimal typing of `dynalite` (the package ships none): a factory returning an HTTP server. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }
  const dynalite: (options?: DynaliteOptions) => Server;
  export default dynalite;
}
