/** What ReadyOrder needs of a message: when it was sent, and its place among messages sent in the same millisecond. */
export interface Ordered {
  readonly sentAt: number;
  readonly order: number;
}

/**
 * A standard queue's visible messages, oldest sent first: SQS serves standard queues in roughly the
 * order messages were sent, so a message whose visibility timeout ended is served before one sent
 * after it (test_inflight_message_requeue). A binary min-heap; a message may be in it more than once
 * (it left and came back), and entries for messages no longer visible are skipped by the caller.
 */
export class ReadyOrder<T extends Ordered> {
  private heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    const heap = this.heap;
    heap.push(item);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) break;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
    return top;
  }

  clear(): void {
    this.heap = [];
  }
}

function before(a: Ordered, b: Ordered): boolean {
  return a.sentAt < b.sentAt || (a.sentAt === b.sentAt && a.order < b.order);
}
