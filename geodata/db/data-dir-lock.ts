import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Raised when another live process already holds the embedded engine's data folder. */
export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly holderPid: number) {
    super(
      `data folder ${dataDir} is in use by process ${holderPid}; ` +
        `stop that process or set YZT_DATA_DIR to another folder`,
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

// PGlite keeps the whole cluster in one process's memory and flushes it to the folder; two
// processes on one folder would overwrite each other's pages. A pid file created with O_EXCL
// is enough here: the holder is always a process on this machine, and a pid that is no longer
// alive (a killed server) leaves a stale file that the next start may take over. A lease with
// heartbeats (proper-lockfile) would instead be lost whenever a long synchronous load stalls
// the event loop.
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'yizhangtu.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        rmSync(path, { force: true });
      };
      process.on('exit', release);
      return { path, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && (holder === process.pid || isAlive(holder))) {
        throw new DataDirInUseError(dataDir, holder);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock data folder ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
