import type { Answer } from './http.js';

/** What a fault window is called in the report. */
export type FaultKind =
  | 'pg-cut'
  | 'pg-blackhole'
  | 'pg-delay'
  | 'redis-cut'
  | 'redis-blackhole'
  | 'redis-delay'
  | 'server-kill'
  | 'clock-skew';

/** Faults during which every answer must still be the model's (nothing is down). */
const HARMLESS: ReadonlySet<string> = new Set(['quiet', 'clock-skew']);

interface Window {
  kind: FaultKind;
  start: number;
  end: number;
}

/**
 * Counts every answer by route, outcome and the fault it met, keeps latencies,
 * and collects invariant violations. An answer "meets" a fault when its request
 * overlaps the fault's window or the `graceMs` after it (the time the stores'
 * clients get to notice the service is back).
 */
export class Recorder {
  readonly windows: Window[] = [];
  readonly outcomes = new Map<string, number>();
  readonly byFault = new Map<string, Map<string, number>>();
  readonly latencies: number[] = [];
  readonly quietLatencies: number[] = [];
  readonly violations = new Map<string, string[]>();
  readonly checks = new Map<string, number>();
  ceremonies = 0;
  requests = 0;
  /** Requests that met each fault kind: started or ended inside it. */
  constructor(readonly graceMs: number) {}

  begin(kind: FaultKind): Window {
    const window = { kind, start: performance.now(), end: Number.POSITIVE_INFINITY };
    this.windows.push(window);
    return window;
  }

  end(window: Window): void {
    window.end = performance.now();
  }

  /** The fault an interval met, or `quiet`. The most disruptive one wins. */
  faultOf(start: number, end: number): string {
    let found = 'quiet';
    for (const w of this.windows) {
      const grace = w.kind === 'clock-skew' ? 0 : this.graceMs;
      if (start <= w.end + grace && end >= w.start) {
        if (found === 'quiet' || found === 'clock-skew') found = w.kind;
      }
    }
    return found;
  }

  /** True when answers in this interval must be exactly what the model says. */
  strict(start: number, end: number = performance.now()): boolean {
    return HARMLESS.has(this.faultOf(start, end));
  }

  record(route: string, answer: Answer, ceremony = false): void {
    this.requests += 1;
    const outcome = outcomeOf(answer);
    const key = `${route} → ${outcome}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    const fault = this.faultOf(answer.startedAt, answer.startedAt + answer.ms);
    const table = this.byFault.get(fault) ?? new Map<string, number>();
    table.set(outcome, (table.get(outcome) ?? 0) + 1);
    this.byFault.set(fault, table);
    this.latencies.push(answer.ms);
    if (fault === 'quiet') this.quietLatencies.push(answer.ms);
    if (ceremony && answer.status >= 200 && answer.status < 300) this.ceremonies += 1;
    if (answer.status === 500) this.violate('no 500', `${route}: ${JSON.stringify(answer.body)}`);
    if (answer.failure === 'hang')
      this.violate('no answer later than requestTimeout', `${route} met ${fault}`);
  }

  /** Counts one check of an invariant (so the report says how often each held). */
  checked(invariant: string): void {
    this.checks.set(invariant, (this.checks.get(invariant) ?? 0) + 1);
  }

  violate(invariant: string, detail: string): void {
    this.checked(invariant);
    const list = this.violations.get(invariant) ?? [];
    list.push(detail);
    this.violations.set(invariant, list);
  }

  get violationCount(): number {
    let n = 0;
    for (const list of this.violations.values()) n += list.length;
    return n;
  }
}

/** `200`, `503 STORE_UNAVAILABLE`, `reset`, … */
export function outcomeOf(answer: Answer): string {
  if (answer.failure) return answer.failure;
  return answer.code ? `${answer.status} ${answer.code}` : String(answer.status);
}

/** Nearest-rank percentile of a sorted array. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}
