import { getJson } from './api.js';
import { queueName } from './dom.js';

const PAGE = 5000;
const bump = (map, key, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/**
 * Counts per resource, summed from the flight recorder's hops (`GET /_local/recorder/hops`, read
 * from the first hop kept, then only the new ones at each poll): events each rule matched, deliveries
 * per rule, sends per queue, invocations and errors per function, writes per table and per writer,
 * events each function published. `available` is false while the recorder does not answer.
 */
export class HopCounts {
  constructor() {
    this.next = 0;
    this.available = false;
    this.matched = new Map();
    this.delivered = new Map();
    this.sent = new Map();
    this.invocations = new Map();
    this.errors = new Map();
    this.writes = new Map();
    this.writesBy = new Map();
    this.published = new Map();
  }

  async poll() {
    try {
      for (;;) {
        const page = await getJson(`/_local/recorder/hops?since=${this.next}&limit=${PAGE}`);
        for (const hop of page.hops) this.add(hop);
        this.next = page.next;
        this.available = true;
        if (page.hops.length < PAGE) return;
      }
    } catch {
      this.available = false;
    }
  }

  add(hop) {
    switch (hop.kind) {
      case 'rule':
        if (hop.matched) bump(this.matched, `${hop.bus}/${hop.rule}`);
        break;
      case 'target':
        if (hop.outcome === 'delivered') bump(this.delivered, `${hop.bus}/${hop.rule}`);
        break;
      case 'sqs-send':
        bump(this.sent, queueName(hop.queue));
        break;
      case 'invocation':
        bump(this.invocations, hop.function);
        if (hop.result !== 'success') bump(this.errors, hop.function);
        break;
      case 'dynamodb-write':
        bump(this.writes, hop.table);
        if (hop.function !== undefined) bump(this.writesBy, `${hop.function}>${hop.table}`);
        break;
      case 'put-events':
        if (hop.by?.function !== undefined) bump(this.published, hop.by.function);
        break;
      default:
        break;
    }
  }
}
