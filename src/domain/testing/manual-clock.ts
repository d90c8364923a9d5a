import type { Clock } from '../clock.ts';

/** A clock that stands still until a test moves it. */
export class ManualClock implements Clock {
  #at: number;
  constructor(start = Date.UTC(2030, 0, 1)) {
    this.#at = start;
  }
  now(): Date {
    return new Date(this.#at);
  }
  set(at: Date): void {
    this.#at = at.getTime();
  }
  advance(ms: number): void {
    this.#at += ms;
  }
}
