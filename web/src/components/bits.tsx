import type { ReactNode } from 'react';
import type { FieldProblem } from '../../../src/entrypoints/http/schemas/problem.ts';
import { errorText } from '../api.ts';
import { formatAgo, formatDate, locate } from '../lib/format.ts';
import { type ItemKind, type ItemStatus, KIND_LABELS, STATUS_LABELS } from '../lib/labels.ts';

export function KindBadge({ kind }: { kind: ItemKind }) {
  return <span className={`badge kind-${kind}`}>{KIND_LABELS[kind]}</span>;
}

export function StatusBadge({ status }: { status: ItemStatus }) {
  if (status === 'active') return null;
  return <span className={`badge status-${status}`}>{STATUS_LABELS[status]}</span>;
}

export function Time({ iso, relative = false }: { iso: string; relative?: boolean }) {
  return (
    <time dateTime={iso} title={formatDate(iso)}>
      {relative ? formatAgo(iso) : formatDate(iso)}
    </time>
  );
}

export function ErrorBox({ error, children }: { error?: unknown; children?: ReactNode }) {
  return (
    <div className="notice error" role="alert">
      {children ?? errorText(error)}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" aria-busy="true">
      {what}…
    </p>
  );
}

/** Problems or warnings as a list, each with the file and line (or field) it is about. */
export function ProblemList({
  problems,
  tone,
  title,
}: {
  problems: readonly FieldProblem[];
  tone: 'error' | 'warning';
  title: string;
}) {
  if (problems.length === 0) return null;
  return (
    <div className={`notice ${tone}`}>
      <h3>{title}</h3>
      <ul className="problems">
        {problems.map((problem, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the list is rebuilt whole, never reordered.
          <li key={index}>
            <ProblemWhere path={problem.path} /> {problem.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ProblemWhere({ path }: { path: string }) {
  const where = locate(path);
  return (
    <span className="where">
      <code>{where.file}</code>
      {where.line !== undefined && <>, line {where.line}</>}
      {where.pointer && (
        <>
          {' '}
          at <code>{where.pointer}</code>
        </>
      )}
      :
    </span>
  );
}
