/** Test scaffolding of execution (the `./testing` subpath; never imported by production code). */
export * from './harness.ts';
