/** One page of a list and the opaque cursor of the next one (absent on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}
