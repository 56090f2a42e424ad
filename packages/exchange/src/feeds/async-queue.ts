/**
 * A bounded push → async-iterator queue. Producers `push`; one consumer iterates. When the
 * buffer is full the oldest item is dropped and counted (a live feed must never grow unbounded).
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<T>) => void) | null = null;
  private ended = false;
  /** Items dropped because the buffer was full. */
  dropped = 0;

  constructor(private readonly maxBuffered = 100_000) {
    if (!(maxBuffered >= 1)) throw new Error(`AsyncQueue: maxBuffered must be >= 1, got ${maxBuffered}`);
  }

  /** Number of items waiting. */
  get size(): number {
    return this.buffer.length - this.head;
  }

  /** Whether `end()` was called. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Enqueue one item (ignored after `end()`). */
  push(item: T): void {
    if (this.ended) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: item, done: false });
      return;
    }
    if (this.size >= this.maxBuffered) {
      this.head++;
      this.dropped++;
    }
    this.buffer.push(item);
    if (this.head > 4096 && this.head * 2 > this.buffer.length) {
      this.buffer.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Finish the stream: the consumer drains what is buffered, then completes. */
  end(): void {
    this.ended = true;
    if (this.waiter && this.size === 0) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: undefined, done: true });
    }
  }

  /** Next item, waiting if none is buffered. */
  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) {
      const value = this.buffer[this.head]!;
      this.head++;
      if (this.head === this.buffer.length) {
        this.buffer.length = 0;
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: async () => {
        this.end();
        return { value: undefined, done: true };
      },
    };
  }
}
