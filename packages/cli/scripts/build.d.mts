/** Types of build.mjs (plain JavaScript, so that bin/ensemble.mjs runs it without a TypeScript loader). */

/** Where the bundle goes by default: packages/cli/dist (gitignored). */
export declare const DEFAULT_OUTDIR: string;
/** The bundle's entry file name, which exports `main`. */
export declare const ENTRY_FILE: string;
/** The file in the output folder that lists every input with the modification time it was bundled at. */
export declare const MANIFEST_FILE: string;
/** Whether the bundle in `outdir` is missing or any of its inputs changed (or vanished) since it was built. */
export declare function isStale(outdir?: string): boolean;
/** Bundle the CLI into `outdir`; returns the absolute paths of the input files. */
export declare function build(outdir?: string): Promise<string[]>;
