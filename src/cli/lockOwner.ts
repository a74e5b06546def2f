import type { LockOwner } from '../api/common.js';

/** This process, and a liveness probe by signal 0 (EPERM still means "alive"). */
export const processLockOwner: LockOwner = {
  pid: process.pid,
  isAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};
