/** A line-level diff (Myers' O(ND) algorithm), computed in the browser from two versions of a file. */

export interface DiffLine {
  kind: ' ' | '+' | '-';
  text: string;
  /** Line number in the old file (context and removed lines). */
  oldLine?: number;
  /** Line number in the new file (context and added lines). */
  newLine?: number;
}

export interface Hunk {
  header: string;
  lines: DiffLine[];
}

/** Beyond this many differing lines the diff is not worth computing line by line. */
const MAX_EDITS = 4000;

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Every line of both texts in order, marked kept, removed or added; undefined when they differ too much. */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] | undefined {
  const n = before.length;
  const m = after.length;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && before[x] === after[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    v = next;
  }
  if (found < 0) return undefined;
  // Walk back through the recorded frontiers, from the end to the start.
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const frontier = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && frontier[offset + k - 1]! < frontier[offset + k + 1]!);
    const previousK = down ? k + 1 : k - 1;
    const previousX = frontier[offset + previousK]!;
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      out.push({ kind: ' ', text: before[x - 1]!, oldLine: x, newLine: y });
      x--;
      y--;
    }
    if (down) {
      out.push({ kind: '+', text: after[y - 1]!, newLine: y });
      y--;
    } else {
      out.push({ kind: '-', text: before[x - 1]!, oldLine: x });
      x--;
    }
  }
  while (x > 0 && y > 0) {
    out.push({ kind: ' ', text: before[x - 1]!, oldLine: x, newLine: y });
    x--;
    y--;
  }
  return out.reverse();
}

/** The changed lines with `context` lines around them, as unified-diff hunks. */
export function hunksOf(lines: readonly DiffLine[], context = 3): Hunk[] {
  const hunks: Hunk[] = [];
  const changed = lines.map((line, index) => (line.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, changed[i]! - context);
    let end = Math.min(lines.length - 1, changed[i]! + context);
    while (i + 1 < changed.length && changed[i + 1]! - context <= end + 1) {
      i++;
      end = Math.min(lines.length - 1, changed[i]! + context);
    }
    const slice = lines.slice(start, end + 1);
    const oldStart = slice.find((line) => line.oldLine !== undefined)?.oldLine ?? 0;
    const newStart = slice.find((line) => line.newLine !== undefined)?.newLine ?? 0;
    const oldCount = slice.filter((line) => line.kind !== '+').length;
    const newCount = slice.filter((line) => line.kind !== '-').length;
    hunks.push({ header: `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, lines: slice });
    i++;
  }
  return hunks;
}
