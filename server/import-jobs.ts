import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { ImportJob } from '../geodata/model/api/import.ts';
import type { ImportProgress, ImportReport } from '../geodata/import/index.ts';

export type Job = z.infer<typeof ImportJob>;

/** Finished jobs are kept this long for their reports, then forgotten. */
const KEEP_MS = 60 * 60 * 1000;

/**
 * The import jobs of this server process: an upload runs as a job so the page (and a script)
 * can follow its progress instead of holding one request open for minutes. Kept in memory:
 * a job is the work of the process that received its upload, and its report is read back
 * within the hour; the import's rows and its import_batch row are in the database.
 */
export class ImportJobs {
  private readonly jobs = new Map<string, { job: Job; started: number; ended: number | null }>();

  /** Starts `run` as a job; `run` is told how to report progress and settles the job with its report. */
  start(meta: { kind: string; fileName: string; actor: string }, run: (progress: (p: ImportProgress) => void) => Promise<ImportReport>): Job {
    this.forgetOld();
    const id = randomUUID();
    const entry = {
      job: { id, ...meta, status: 'running', rowsRead: 0, rowsStored: 0, rowsPerSecond: 0, elapsedMs: 0, report: null, error: null } as Job,
      started: Date.now(),
      ended: null as number | null,
    };
    this.jobs.set(id, entry);
    const progress = (p: ImportProgress) => {
      entry.job = { ...entry.job, rowsRead: p.rowsRead, rowsStored: p.rowsStored, ...(p.rowsMoved !== undefined && { rowsMoved: p.rowsMoved }) };
    };
    run(progress).then(
      (report) => {
        entry.ended = Date.now();
        entry.job = { ...entry.job, status: 'done', rowsRead: report.rowsRead, rowsStored: report.rowsStored, report: report as unknown as Job["report"] };
      },
      (err: Error) => {
        entry.ended = Date.now();
        entry.job = { ...entry.job, status: 'failed', error: err.message };
      },
    );
    return this.get(id)!;
  }

  /** A job with its speed so far; undefined when unknown or forgotten. */
  get(id: string): Job | undefined {
    const entry = this.jobs.get(id);
    if (!entry) return undefined;
    const elapsedMs = (entry.ended ?? Date.now()) - entry.started;
    const rowsPerSecond = elapsedMs > 0 ? Math.round((entry.job.rowsRead * 1000) / elapsedMs) : 0;
    return { ...entry.job, elapsedMs, rowsPerSecond };
  }

  private forgetOld(): void {
    const now = Date.now();
    for (const [id, e] of this.jobs) if (e.ended !== null && now - e.ended > KEEP_MS) this.jobs.delete(id);
  }
}
