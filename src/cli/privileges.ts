import type { RootOwner } from '../api/safety.js';

export interface DropOutcome {
  /** What happened, for the log: 'dropped', 'kept' (--no-drop-privileges), 'none' (nothing to drop). */
  readonly action: 'dropped' | 'kept' | 'none';
  readonly uid: number;
  readonly gid: number;
}

/**
 * When we run as root and the cache belongs to someone else (www-data), become that
 * owner before touching the tree: whatever a compromised writer plants in the cache,
 * we can then delete only what it could delete itself. Supplementary groups first,
 * then the gid, then the uid (after setuid we could no longer change the others).
 * Irreversible for the life of the process, which is the point.
 */
export function dropPrivileges(owner: RootOwner, keep: boolean): DropOutcome {
  const euid = process.geteuid?.();
  if (euid !== 0 || owner.uid === 0 || !process.setuid || !process.setgid) {
    return { action: 'none', uid: euid ?? -1, gid: process.getegid?.() ?? -1 };
  }
  if (keep) return { action: 'kept', uid: 0, gid: process.getegid?.() ?? 0 };
  process.setgroups?.([]);
  process.setgid(owner.gid);
  process.setuid(owner.uid);
  // setuid() from root also sets the saved uid: there is no way back, so check it took.
  if (process.getuid?.() !== owner.uid || process.geteuid?.() !== owner.uid) {
    throw new Error(`setuid(${owner.uid}) did not take effect`);
  }
  return { action: 'dropped', uid: owner.uid, gid: owner.gid };
}
