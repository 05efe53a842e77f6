/** Test scaffolding of the application layer (the `./testing` subpath; never imported by production code). */
export * from './world.ts';
