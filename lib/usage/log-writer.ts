import { KEY_USED_INTERVAL_MS, touchKeysUsed } from "@/lib/keys/queries";
import { onShutdown, settlesWithin } from "@/lib/lifecycle";
import { log } from "@/lib/log";
import { recordRequests, type RequestRecord } from "./queries";

/**
 * Writes gateway log rows off the request path, in batches, and never drops one.
 *
 * - `enqueue` only appends to an in-memory queue (no I/O on the call's path);
 * - a flush starts when {@link BATCH_ROWS} rows wait, or {@link FLUSH_DELAY_MS} after the
 *   first row of a batch; one multi-row INSERT per batch (lib/usage/queries.ts), at most
 *   one flush at a time;
 * - a failed INSERT keeps its rows at the head of the queue and is retried with backoff
 *   (up to {@link MAX_RETRY_DELAY_MS}), so an outage delays rows but loses none while the
 *   process lives;
 * - at shutdown (lib/lifecycle.ts, before the database pool closes) it first waits, at most
 *   {@link CALLS_END_WAIT_MS}, for the rows of calls still ending ({@link expectRequestLog}:
 *   the calls the graceful stop has just cut off log themselves a moment after their
 *   connections close), then flushes everything pending; the graceful stop bounds how long
 *   that may take.
 *
 * One writer per process, held on `globalThis` (Next.js may load this module in more than
 * one bundle).
 */
export const BATCH_ROWS = 200;
export const FLUSH_DELAY_MS = 100;
export const MAX_RETRY_DELAY_MS = 5_000;
/** Longest wait at shutdown for the rows of calls still ending (ms). */
export const CALLS_END_WAIT_MS = 2_000;

/** Called with each batch once it is written (spend limits count usage here). */
export type RowsWrittenListener = (rows: readonly RequestRecord[]) => void | Promise<void>;

class LogWriter {
  private queue: RequestRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private retryDelayMs = 0;
  private readonly listeners: RowsWrittenListener[] = [];
  /** When this process last marked each virtual key used (ms since the epoch). */
  private readonly markedUsed = new Map<string, number>();
  /** Follow-up work of written batches still running (listeners, last-used marks). */
  private readonly followUps = new Set<Promise<unknown>>();
  /** Calls begun whose row has not been queued yet. */
  private rowsToCome = 0;
  private allRowsCame: (() => void) | null = null;

  expect(): void {
    this.rowsToCome++;
  }

  enqueue(row: RequestRecord, expected: boolean): void {
    if (expected && this.rowsToCome > 0 && --this.rowsToCome === 0) this.allRowsCame?.();
    this.queue.push(row);
    if (this.queue.length >= BATCH_ROWS) this.kick(0);
    else this.kick(FLUSH_DELAY_MS);
  }

  pending(): number {
    return this.queue.length;
  }

  /** Resolves once every expected row has been queued, or after `ms`; true if they all came. */
  async rowsCome(ms: number): Promise<boolean> {
    if (this.rowsToCome === 0) return true;
    const came = await settlesWithin(new Promise<void>((resolve) => (this.allRowsCame = resolve)), ms);
    this.allRowsCame = null;
    if (!came) log.warn("stopping: some calls did not log in time; writing the rows that came", { calls: this.rowsToCome, waited_ms: ms });
    return came;
  }

  onWritten(listener: RowsWrittenListener): void {
    this.listeners.push(listener);
  }

  /**
   * Writes everything queued so far (and whatever arrives meanwhile); resolves when the
   * queue is empty and the written batches' listeners have finished (at shutdown the
   * database pool closes next: usage counted by a listener must be in before it does).
   */
  async flushAll(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let attempt = 0;
    while (this.queue.length > 0 || this.flushing) {
      if (this.flushing) {
        await this.flushing;
        continue;
      }
      const before = this.queue.length;
      await this.flushOnce();
      if (this.queue.length >= before) {
        // The batch failed: wait a little and try again (the caller bounds the whole wait).
        attempt++;
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, MAX_RETRY_DELAY_MS)));
      }
    }
    while (this.followUps.size > 0) await Promise.allSettled([...this.followUps]);
  }

  private kick(delayMs: number): void {
    if (this.flushing) return; // the running flush picks the rows up when it ends
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flushOnce();
    }, Math.max(delayMs, this.retryDelayMs));
    // A pending flush must not keep a CLI or test process alive; shutdown flushes explicitly.
    this.timer.unref?.();
  }

  private flushOnce(): Promise<void> {
    if (this.flushing) return this.flushing;
    const batch = this.queue.splice(0, BATCH_ROWS);
    if (batch.length === 0) return Promise.resolve();
    this.flushing = (async () => {
      try {
        await recordRequests(batch);
        this.retryDelayMs = 0;
        this.afterWrite(batch);
      } catch (err) {
        this.queue.unshift(...batch);
        this.retryDelayMs = Math.min(Math.max(this.retryDelayMs * 2, 200), MAX_RETRY_DELAY_MS);
        log.error("request log rows not written yet; retrying", { rows: batch.length, pending: this.queue.length, retry_ms: this.retryDelayMs, error: (err as Error)?.message ?? String(err) });
      } finally {
        this.flushing = null;
      }
      if (this.queue.length > 0) this.kick(this.queue.length >= BATCH_ROWS ? 0 : FLUSH_DELAY_MS);
    })();
    return this.flushing;
  }

  private afterWrite(batch: readonly RequestRecord[]): void {
    const keys = this.keysToMarkUsed(batch);
    if (keys.length > 0) this.followUp(touchKeysUsed({ ids: keys }).catch((err) => log.warn("could not mark keys used", { error: (err as Error)?.message ?? String(err) })));
    for (const listener of this.listeners) {
      try {
        this.followUp(Promise.resolve(listener(batch)).catch((err) => log.error("request log listener failed", { error: (err as Error)?.message ?? String(err) })));
      } catch (err) {
        log.error("request log listener failed", { error: (err as Error)?.message ?? String(err) });
      }
    }
  }

  /**
   * The batch's virtual keys this process has not marked used within
   * {@link KEY_USED_INTERVAL_MS} (the mark is per minute: lib/keys/queries.ts
   * `touchKeysUsed`, which guards it in SQL too, for other processes' marks).
   */
  private keysToMarkUsed(batch: readonly RequestRecord[]): string[] {
    const now = Date.now();
    const keys: string[] = [];
    for (const row of batch) {
      const id = row.virtualKeyId;
      // A revoked or expired key's refused call is logged with the key, but is no use of it.
      if (id === null || row.errorCode === "invalid_api_key" || (this.markedUsed.get(id) ?? -Infinity) > now - KEY_USED_INTERVAL_MS) continue;
      this.markedUsed.set(id, now);
      keys.push(id);
    }
    if (this.markedUsed.size > 10_000) {
      for (const [id, at] of this.markedUsed) if (at <= now - KEY_USED_INTERVAL_MS) this.markedUsed.delete(id);
    }
    return keys;
  }

  /** Tracks a batch's follow-up until it settles (it never rejects: errors are logged). */
  private followUp(work: Promise<unknown>): void {
    this.followUps.add(work);
    void work.finally(() => this.followUps.delete(work));
  }
}

const WRITER = Symbol.for("gatehouse.logWriter");
type Holder = { [WRITER]?: LogWriter };

function writer(): LogWriter {
  const holder = globalThis as Holder;
  if (!holder[WRITER]) {
    holder[WRITER] = new LogWriter();
    // Before the database pool (order 1000) closes.
    onShutdown(
      "request-log",
      async () => {
        await holder[WRITER]!.rowsCome(CALLS_END_WAIT_MS);
        await holder[WRITER]!.flushAll();
      },
      500,
    );
  }
  return holder[WRITER];
}

/**
 * Announces a call whose row will come (the gateway, as a call begins): shutdown waits for
 * it. Its row must then be queued with `enqueueRequestLog(row, true)`, once.
 */
export function expectRequestLog(): void {
  writer().expect();
}

/**
 * Queues one request_logs row; returns at once. The row is written within about
 * {@link FLUSH_DELAY_MS}. `expected`: the row of a call announced by {@link expectRequestLog}.
 */
export function enqueueRequestLog(row: RequestRecord, expected = false): void {
  writer().enqueue(row, expected);
}

/** Writes every queued row now; resolves when none is pending (shutdown, tests). */
export function flushRequestLogs(): Promise<void> {
  return writer().flushAll();
}

/** Rows queued and not yet written. */
export function pendingRequestLogs(): number {
  return writer().pending();
}

/** Calls `listener` with every batch of rows after it is written. */
export function onRequestLogsWritten(listener: RowsWrittenListener): void {
  writer().onWritten(listener);
}
