/** Test scaffolding of core (the `./testing` subpath; never imported by production code). */
export * from './indicators.ts';
