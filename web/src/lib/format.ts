const numbers = new Intl.NumberFormat('en');
const dates = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const days = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export const formatCount = (n: number) => numbers.format(n);
export const formatDate = (iso: string) => dates.format(new Date(iso));
export const formatDay = (iso: string) => days.format(new Date(iso));
export const shortSha = (sha: string) => sha.slice(0, 7);

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatAgo(iso: string, now = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 86400],
    ['month', 30 * 86400],
    ['week', 7 * 86400],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** A problem's path split into the file and the line it names: `SKILL.md:3:5`, `server.json#/version`, `name`. */
export function locate(path: string): { file: string; line?: number; pointer?: string } {
  const lined = /^(.+?):(\d+)(?::\d+)?$/.exec(path);
  if (lined) return { file: lined[1]!, line: Number(lined[2]) };
  const hash = path.indexOf('#');
  if (hash > 0) return { file: path.slice(0, hash), pointer: path.slice(hash + 1) };
  return { file: path };
}
