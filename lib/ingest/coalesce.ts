import { log } from '@/lib/log';
import type { Refused, Salvaged } from './salvage';

/**
 * Group commit for event inserts. Each request's rows are queued; while fewer than `maxInFlight` writes are
 * running a queued request is written at once, otherwise the requests that wait are merged into the next
 * write (up to `maxRows`). An idle server adds no latency; a busy one issues fewer, larger statements.
 */
export type CoalescerOptions<Row> = {
  maxInFlight: number;
  maxRows: number;
  /** Rows allowed to wait for a write; past it a request is refused at once with CoalescerBusyError. */
  maxQueuedRows: number;
  /** The identity of a row (project and event id): a row is stored at most once per key. */
  keyOf: (row: Row) => string;
  /**
   * Writes rows in one statement (all or nothing); of rows with the same key the first is stored. Answers 'all'
   * when every row was stored, else the keys of the rows that were (the others were there already).
   */
  write: (rows: Row[]) => Promise<'all' | Set<string>>;
  /**
   * After a failed write: true when the database refused the values of some row (not the connection). A merged
   * write is then retried request by request, and a request refused on its own is handed to `salvage`.
   */
  refusedForValues: (error: unknown) => boolean;
  /**
   * Stores what it can of one request whose own write was refused with `error` (atomically: on a thrown error
   * nothing is stored) and names the rows refused. Without it, such a request fails whole.
   */
  salvage?: (rows: Row[], error: unknown) => Promise<Salvaged<Row>>;
  /** Work on the rows a write stored (live counters), once per write; it must not reject. */
  afterWrite?: (stored: Row[]) => Promise<void>;
};

export type Stored<Row> = {
  /** The request's rows that it stored; its other rows were stored before (or by an earlier request of the group). */
  rows: Row[];
  /** The request's rows the database refused (found by `salvage`); neither stored nor duplicates. */
  refused: Refused<Row>[];
  /** Settles when `afterWrite` for the write that stored them has finished. */
  afterWrite: Promise<void>;
};

export type Coalescer<Row> = {
  /** Queues one request's rows, whose keys must be distinct, for the next write. */
  store: (rows: Row[]) => Promise<Stored<Row>>;
  /** Writes running, requests and rows waiting, and writes issued so far, for tests and diagnostics. */
  load: () => { inFlight: number; waiting: number; queuedRows: number; writes: number };
};

/** The queue is full: the caller should answer "retry later" (nothing was stored). */
export class CoalescerBusyError extends Error {
  constructor(readonly queuedRows: number) {
    super(`${queuedRows} rows are already waiting to be written`);
    this.name = 'CoalescerBusyError';
  }
}

type Waiter<Row> = { rows: Row[]; resolve: (stored: Stored<Row>) => void; reject: (error: unknown) => void };

export function createCoalescer<Row>(options: CoalescerOptions<Row>): Coalescer<Row> {
  const queue: Waiter<Row>[] = [];
  let inFlight = 0;
  let queuedRows = 0;
  let writes = 0;
  const { keyOf } = options;

  function pump() {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const group = [queue.shift()!];
      let rows = group[0]!.rows.length;
      while (queue.length > 0 && rows + queue[0]!.rows.length <= options.maxRows) {
        rows += queue[0]!.rows.length;
        group.push(queue.shift()!);
      }
      queuedRows -= rows;
      inFlight++;
      writeGroup(group)
        // Only a bug can land here; it must still answer every request (settled ones ignore it).
        .catch((error: unknown) => group.forEach((waiter) => waiter.reject(error)))
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  function followUp(stored: Row[]): Promise<void> {
    const { afterWrite } = options;
    if (!afterWrite || stored.length === 0) return Promise.resolve();
    return Promise.resolve()
      .then(() => afterWrite(stored))
      .catch((error: unknown) => log.warn('after_write_failed', { error: String(error) }));
  }

  async function writeGroup(group: Waiter<Row>[]) {
    // Keys repeated across the group's requests go to the database as they are: the first row is stored.
    const rows = group.length === 1 ? group[0]!.rows : group.flatMap((waiter) => waiter.rows);
    let result: 'all' | Set<string>;
    try {
      writes++;
      result = await options.write(rows);
    } catch (error) {
      if (!options.refusedForValues(error)) {
        for (const waiter of group) waiter.reject(error);
        return;
      }
      // A request alone was refused by this very write: no need to write it whole again.
      if (group.length === 1) return salvage(group[0]!, error);
      return writeEachAlone(group);
    }
    settle(group, rows, result);
  }

  async function writeEachAlone(group: Waiter<Row>[]) {
    for (const waiter of group) {
      try {
        writes++;
        settle([waiter], waiter.rows, await options.write(waiter.rows));
      } catch (error) {
        if (options.refusedForValues(error)) await salvage(waiter, error);
        else waiter.reject(error);
      }
    }
  }

  async function salvage(waiter: Waiter<Row>, error: unknown) {
    if (!options.salvage) return waiter.reject(error);
    try {
      const { stored, refused } = await options.salvage(waiter.rows, error);
      waiter.resolve({ rows: stored, refused, afterWrite: followUp(stored) });
    } catch (cause) {
      waiter.reject(cause);
    }
  }

  /** 'all' means no row was a duplicate, not even of another request's; otherwise a stored key belongs to its first sender. */
  function settle(group: Waiter<Row>[], rows: Row[], result: 'all' | Set<string>) {
    if (result === 'all') {
      const afterWrite = followUp(rows);
      for (const waiter of group) waiter.resolve({ rows: waiter.rows, refused: [], afterWrite });
      return;
    }
    const claimed = new Set<string>();
    const perWaiter = group.map((waiter) =>
      waiter.rows.filter((row) => {
        const key = keyOf(row);
        if (!result.has(key) || claimed.has(key)) return false;
        claimed.add(key);
        return true;
      }),
    );
    const afterWrite = followUp(perWaiter.flat());
    group.forEach((waiter, i) => waiter.resolve({ rows: perWaiter[i]!, refused: [], afterWrite }));
  }

  return {
    store(rows) {
      if (rows.length === 0) return Promise.resolve({ rows: [], refused: [], afterWrite: Promise.resolve() });
      if (queuedRows + rows.length > options.maxQueuedRows) {
        return Promise.reject(new CoalescerBusyError(queuedRows));
      }
      queuedRows += rows.length;
      return new Promise((resolve, reject) => {
        queue.push({ rows, resolve, reject });
        pump();
      });
    },
    load: () => ({ inFlight, waiting: queue.length, queuedRows, writes }),
  };
}
