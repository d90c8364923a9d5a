import { type Static, Type } from 'typebox';

/** `/healthz` and `/readyz`: `ok`, or why not. */
export const HealthSchema = Type.Object({ status: Type.String() }, { examples: [{ status: 'ok' }] });
export type Health = Static<typeof HealthSchema>;
