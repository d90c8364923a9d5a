// biome-ignore-all lint/suspicious/noControlCharactersInRegex: stripControl matches control characters on purpose
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Problem } from '../../domain/errors.ts';
import { CliError } from './cli-error.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface TerminalStreams {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
}

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
  /** Shrinks first, down to `min`, when the table is wider than the terminal: a description. */
  readonly flex?: boolean;
  readonly min?: number;
  /** Never cut (an item reference): the table runs wider than the terminal rather than lose it. */
  readonly keep?: boolean;
  readonly color?: (text: string) => string;
}

export interface Progress {
  /** Moves the bar: `done` items of the total, naming the one at hand. */
  update(done: number, current: string): void;
  /** Prints a line above the bar (to stdout), keeping the bar at the bottom. */
  line(text: string): void;
  /** Clears the bar. */
  finish(): void;
}

const ELLIPSIS = '…';
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
// Below this, a task shows no spinner at all: flashing one for an instant is noise.
const SPINNER_DELAY_MS = 250;

/**
 * Escape sequences a terminal acts on: CSI (`ESC [ ... final`, which moves the cursor and erases lines), OSC
 * (`ESC ] ... BEL or ST`, which sets the title and makes hyperlinks), DCS/SOS/PM/APC strings, other two-character
 * escapes, and their 8-bit C1 forms.
 */
const ESCAPE_SEQUENCE =
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?|\x1b[ -/]*[0-~]?|\x9b[0-?]*[ -/]*[@-~]?|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?/g;
/** C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional overrides that reorder a line. */
const CONTROL_CHARACTER = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The only escapes the terminal writes itself: the colours and weights of `Style`. */
const OWN_STYLE = /^\x1b\[(?:1|2|22|31|32|33|36|39)m$/;

/**
 * `text` without escape sequences and control characters (tab and line feed are kept): what a string from a
 * server or a file may show on a terminal, so that it can neither set the title, erase lines, fake hyperlinks
 * nor reorder what is printed.
 */
export function stripControl(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL_CHARACTER, '');
}

/** Like stripControl, but keeps the colour escapes `Style` writes when `keepStyle` (colour is on). */
function printable(text: string, keepStyle: boolean): string {
  return text
    .replace(ESCAPE_SEQUENCE, (sequence) => (keepStyle && OWN_STYLE.test(sequence) ? sequence : ''))
    .replace(CONTROL_CHARACTER, (char) => (keepStyle && char === '\x1b' ? char : ''));
}

/** JSON text with DEL, C1 controls and bidirectional overrides escaped too (JSON.stringify escapes only C0). */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `NO_COLOR` (any non-empty value) and `TERM=dumb` turn colour off; a stream that is not a terminal never gets any. */
export function colorEnabled(stream: { isTTY?: boolean }, env: Env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

function styleFor(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled && text !== '' ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Columns a string takes on a terminal: wide East Asian characters and emoji count two, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    if (/\p{Mn}|\p{Me}|\u200d|\ufe0f/u.test(char)) continue;
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|\p{Extended_Pictographic}/u.test(
        char,
      )
        ? 2
        : 1;
  }
  return width;
}

/** Cuts `text` to at most `width` columns, ending with an ellipsis when anything was cut. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (displayWidth(flat) <= width) return flat;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const char of flat) {
    const w = displayWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out.trimEnd()}${ELLIPSIS}`;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const space = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? `${space}${text}` : `${text}${space}`;
}

/**
 * Lays out rows under headers, two spaces apart. When `width` is known and the table would be wider, flexible
 * columns shrink first (down to their `min`), then the others; cut cells end with an ellipsis.
 */
export function renderTable(columns: readonly Column[], rows: readonly string[][], width?: number, style?: Style) {
  const gap = 2;
  const cells = rows.map((row) => row.map((cell) => cell.replace(/\s+/g, ' ').trim()));
  const widths = columns.map((column, index) =>
    Math.max(displayWidth(column.header), ...cells.map((row) => displayWidth(row[index] ?? ''))),
  );
  if (width !== undefined) {
    let over = widths.reduce((sum, w) => sum + w, 0) + gap * (columns.length - 1) - width;
    const shrink = (index: number, floor: number) => {
      const room = Math.max(0, (widths[index] ?? 0) - floor);
      const cut = Math.min(room, over);
      widths[index] = (widths[index] ?? 0) - cut;
      over -= cut;
    };
    columns.forEach((column, index) => {
      if (over > 0 && column.flex) shrink(index, column.min ?? 10);
    });
    // Then the widest columns first, never below their header.
    const order = columns.map((_, index) => index).sort((a, b) => (widths[b] ?? 0) - (widths[a] ?? 0));
    for (const index of order) {
      const column = columns[index]!;
      if (over > 0 && !column.keep) shrink(index, Math.max(column.min ?? 4, Math.min(displayWidth(column.header), 8)));
    }
  }
  const line = (values: string[], header: boolean) =>
    values
      .map((value, index) => {
        const column = columns[index]!;
        const w = widths[index] ?? 0;
        const text = truncate(value, w);
        const last = index === values.length - 1;
        const padded = last && column.align !== 'right' ? text : pad(text, w, column.align ?? 'left');
        if (header) return style ? style.dim(padded) : padded;
        return column.color ? column.color(padded) : padded;
      })
      .join(' '.repeat(gap))
      .trimEnd();
  return [
    line(
      columns.map((column) => column.header),
      true,
    ),
    ...cells.map((row) => line(row, false)),
  ];
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** `2026-11-30 09:15 UTC`: the same on every machine. */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * What the commands write to: results on stdout, progress, prompts and warnings on stderr. Colour only on a
 * terminal and never with NO_COLOR; with `--json`, stdout carries one JSON document and nothing else. Every line
 * passes through stripControl (keeping only the colours of `style`), so text from a server or a file is printed as
 * text, whichever command prints it.
 */
export class Terminal {
  readonly style: Style;
  readonly errStyle: Style;
  json = false;
  private readonly outColor: boolean;
  private readonly errColor: boolean;

  constructor(
    private readonly streams: TerminalStreams,
    private readonly env: Env,
  ) {
    this.outColor = colorEnabled(streams.stdout, env);
    this.errColor = colorEnabled(streams.stderr, env);
    this.style = styleFor(this.outColor);
    this.errStyle = styleFor(this.errColor);
  }

  get stdoutIsTerminal(): boolean {
    return this.streams.stdout.isTTY === true;
  }

  get stdinIsTerminal(): boolean {
    return this.streams.stdin.isTTY === true;
  }

  private get stderrIsTerminal(): boolean {
    return this.streams.stderr.isTTY === true;
  }

  /** The width tables fit: the terminal's, else `COLUMNS` when set; undefined (no cutting) for a pipe. */
  get width(): number | undefined {
    if (this.streams.stdout.isTTY && this.streams.stdout.columns) return this.streams.stdout.columns;
    const columns = Number(this.env.COLUMNS);
    return Number.isInteger(columns) && columns > 20 ? columns : undefined;
  }

  /** A line of the command's result (nothing in `--json` mode). */
  out(text = ''): void {
    if (!this.json) this.streams.stdout.write(`${printable(text, this.outColor)}\n`);
  }

  /** A line about the work (warnings, hints), on stderr; nothing in `--json` mode. */
  note(text: string): void {
    if (!this.json) this.streams.stderr.write(`${printable(text, this.errColor)}\n`);
  }

  warn(text: string): void {
    this.note(`${this.errStyle.yellow('warning:')} ${text}`);
  }

  /** Always written, `--json` or not: errors. */
  error(text: string): void {
    this.streams.stderr.write(`${printable(text, this.errColor)}\n`);
  }

  /** The one JSON document of a `--json` run. */
  writeJson(value: unknown): void {
    this.streams.stdout.write(`${jsonForTerminal(value)}\n`);
  }

  table(columns: readonly Column[], rows: readonly string[][]): void {
    for (const line of renderTable(columns, rows, this.width, this.style)) this.out(line);
  }

  /** Runs `work`, showing a spinner on stderr when it is a terminal and the work takes more than a moment. */
  async task<T>(label: string, work: () => Promise<T>): Promise<T> {
    if (!this.stderrIsTerminal) return work();
    const stderr = this.streams.stderr;
    let frame = 0;
    let shown = false;
    const draw = () => {
      shown = true;
      stderr.write(
        `\r\x1b[2K${this.errStyle.cyan(SPINNER[frame++ % SPINNER.length]!)} ${truncate(stripControl(label), 70)}`,
      );
    };
    let timer: NodeJS.Timeout | undefined;
    const delay = setTimeout(() => {
      draw();
      timer = setInterval(draw, 80);
    }, SPINNER_DELAY_MS);
    try {
      return await work();
    } finally {
      clearTimeout(delay);
      if (timer) clearInterval(timer);
      if (shown) stderr.write('\r\x1b[2K');
    }
  }

  /** A progress bar on stderr when it is a terminal; a no-op otherwise (the command prints plain lines). */
  progress(total: number, label: string): Progress {
    const stderr = this.streams.stderr;
    const active = this.stderrIsTerminal && total > 0;
    let last = '';
    const draw = (text: string) => {
      last = text;
      stderr.write(`\r\x1b[2K${text}`);
    };
    return {
      update: (done, current) => {
        if (!active) return;
        const columns = stderr.columns || 80;
        const barWidth = Math.max(10, Math.min(30, columns - 40));
        const filled = Math.round((done / total) * barWidth);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}`;
        const head = `${label} ${this.errStyle.cyan(bar)} ${done}/${total} `;
        draw(`${head}${truncate(stripControl(current), Math.max(0, columns - displayWidth(label) - barWidth - 12))}`);
      },
      line: (text) => {
        if (active) stderr.write('\r\x1b[2K');
        this.out(text);
        if (active && last) stderr.write(last);
      },
      finish: () => {
        if (active) stderr.write('\r\x1b[2K');
      },
    };
  }

  /** Asks a question on the terminal; `hidden` answers (a password) are not echoed. */
  async prompt(question: string, options: { hidden?: boolean } = {}): Promise<string> {
    const { stdin, stderr } = this.streams;
    let muted = false;
    const output = new Writable({
      write(chunk, encoding, callback) {
        if (!muted) stderr.write(chunk, encoding);
        callback();
      },
    });
    const rl = createInterface({ input: stdin, output, terminal: stdin.isTTY === true });
    let onClose: (() => void) | undefined;
    try {
      return await new Promise<string>((resolve, reject) => {
        onClose = () => reject(new CliError('cancelled: no answer', { code: 'cancelled' }));
        rl.on('SIGINT', () => reject(new CliError('cancelled', { code: 'cancelled' })));
        rl.on('close', onClose);
        if (options.hidden) {
          // Readline redraws its prompt from column 1, so a hidden answer gets the question written here instead.
          stderr.write(stripControl(question));
          muted = true;
        }
        rl.question(options.hidden ? '' : stripControl(question), (answer) => resolve(answer));
      });
    } finally {
      if (options.hidden) stderr.write('\n');
      muted = false;
      // Only this listener: readline's own 'close' listener detaches it from stdin.
      if (onClose) rl.off('close', onClose);
      rl.close();
    }
  }

  /** The first line of standard input (a password piped in), without its line end. */
  async readStdinLine(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.streams.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
}

/** Problems as aligned lines: `  SKILL.md:3  invalid YAML: ...`. */
export function problemLines(problems: readonly Problem[], indent = '  '): string[] {
  const width = Math.min(40, Math.max(0, ...problems.map((problem) => problem.path.length)));
  return problems.map((problem) =>
    problem.path ? `${indent}${problem.path.padEnd(width)}  ${problem.message}` : `${indent}${problem.message}`,
  );
}
