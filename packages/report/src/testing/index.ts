/** Test scaffolding of the report package (the `./testing` subpath; never imported by production code). */
export { sampleHistory } from './sample.ts';
