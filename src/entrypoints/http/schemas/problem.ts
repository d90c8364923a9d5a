import { type Static, type TSchema, Type } from 'typebox';
import { refTo } from './common.ts';

/** One thing wrong with a request or a bundle: where, and what. */
export const FieldProblemSchema = Type.Object({
  path: Type.String({ description: 'Where: a field, JSON pointer or file path.' }),
  message: Type.String({ description: 'What is wrong.' }),
});
export type FieldProblem = Static<typeof FieldProblemSchema>;

/** The RFC 9457 problem document every error answers with. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code.' }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    problems: Type.Optional(Type.Array(FieldProblemSchema)),
    currentTreeSha: Type.Optional(
      Type.String({ description: "A write refused for its revision: the item's current tree SHA, for If-Match." }),
    ),
  },
  {
    $id: 'Problem',
    examples: [
      {
        type: 'urn:atlas:problem:validation',
        title: 'Bad Request',
        status: 400,
        code: 'validation',
        detail: 'username: must be at least 2 characters',
        problems: [{ path: 'username', message: 'must be at least 2 characters' }],
      },
    ],
  },
);
export type ProblemDocument = Static<typeof ProblemSchema>;

/** Adds the problem document for every error status to a route's responses. */
export function withProblems<T extends Record<number, TSchema>>(responses: T) {
  const problem = refTo(ProblemSchema);
  return { ...responses, '4xx': problem, '5xx': problem };
}
