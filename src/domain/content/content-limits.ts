/** How big an item may be. Uploads over a limit are refused before anything is written. */
export interface ContentLimits {
  /** Largest single file, in bytes. */
  readonly maxFileBytes: number;
  /** Largest total of the files one change set writes into one item folder, in bytes. */
  readonly maxItemBytes: number;
  /** Most files one change set writes into one item folder. */
  readonly maxFiles: number;
  /** Deepest folder nesting inside an item folder: `a.txt` is at depth 0, `scripts/run.sh` at depth 1. */
  readonly maxDepth: number;
}

const MB = 1024 * 1024;

export const DEFAULT_CONTENT_LIMITS: ContentLimits = Object.freeze({
  maxFileBytes: 10 * MB,
  maxItemBytes: 30 * MB,
  maxFiles: 1000,
  maxDepth: 10,
});
