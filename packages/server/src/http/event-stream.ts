/** What a tick of an event stream can do. */
export interface EventStreamControl {
  /** Sends `event: <event>` with JSON `data`; ignored once the stream ended. */
  send(event: string, data: unknown): void;
  /** Sends an SSE comment (keeps proxies from closing an idle stream). */
  comment(text: string): void;
  /** Ends the stream, once. */
  end(): void;
  /** Aborts when the stream ends, by `end()` or because the client left. */
  readonly signal: AbortSignal;
}

export interface EventStreamOptions {
  /** Milliseconds between ticks. */
  interval: number;
  /** Runs once before the first tick. */
  start?(control: EventStreamControl): void | Promise<void>;
  /** Runs now and then every `interval` until the stream ends. */
  tick(control: EventStreamControl): Promise<void>;
  /** A tick threw: the stream ends after this. */
  onError(error: unknown, control: EventStreamControl): void;
}

/**
 * A Server-Sent Events response driven by a periodic `tick` (both of Latchkey's
 * streams poll the shared store, so every instance sees the same state).
 */
export function eventStream(options: EventStreamOptions): Response {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (text: string) => {
        if (!abort.signal.aborted) controller.enqueue(encoder.encode(text));
      };
      const control: EventStreamControl = {
        send: (event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
        comment: (text) => write(`: ${text}\n\n`),
        end() {
          if (abort.signal.aborted) return;
          abort.abort();
          clearTimeout(timer);
          controller.close();
        },
        signal: abort.signal,
      };
      const run = async () => {
        if (abort.signal.aborted) return;
        try {
          await options.tick(control);
          if (!abort.signal.aborted) timer = setTimeout(run, options.interval);
        } catch (error) {
          if (!abort.signal.aborted) options.onError(error, control);
          control.end();
        }
      };
      write('retry: 5000\n\n');
      await options.start?.(control);
      await run();
    },
    cancel() {
      abort.abort();
      clearTimeout(timer);
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
}
