import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { replaceFile } from '../files/replaceFile.js';
import { join } from 'node:path';
import type { RepoStamp } from './repoStamp.js';

/**
 * The copy of one repository's DIST lines kept in the state dir, beside the index: one
 * file per repository, named by a hash of its real path, JSON, written atomically (temp
 * file, then rename). It is used only while its stamp (repoStamp.ts) is the repository's.
 */
export interface RepoCopy {
  readonly repo: string;
  /** Device and inode of the repository's root: a repository replaced at the same path is read again. */
  readonly dev: number;
  readonly ino: number;
  readonly stamp: RepoStamp;
  readonly manifests: number;
  /** `relative/Manifest:line` of each malformed DIST line. */
  readonly malformed: readonly string[];
  /** name, size, name, size, ... */
  readonly dist: readonly (string | number)[];
}

/** Bumped when the file's shape or what is read into it (the search, the parser) changes. */
const VERSION = 1;
const FORMAT = 'cachectl-manifests';

export function copyPath(stateDir: string, repo: string): string {
  return join(stateDir, `manifests-${createHash('sha256').update(repo).digest('hex').slice(0, 16)}.json`);
}

/** The saved copy for `repo`, or null when there is none or it is not ours to trust. */
export async function readCopy(stateDir: string, repo: string): Promise<RepoCopy | null> {
  let text: string;
  try {
    text = await readFile(copyPath(stateDir, repo), 'utf8');
  } catch {
    return null;
  }
  try {
    const j = JSON.parse(text) as RepoCopy & { format?: string; version?: number };
    if (j.format !== FORMAT || j.version !== VERSION || j.repo !== repo || !Array.isArray(j.dist) || !j.stamp) return null;
    return j;
  } catch {
    return null;
  }
}

export async function writeCopy(stateDir: string, copy: RepoCopy): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await replaceFile(copyPath(stateDir, copy.repo), JSON.stringify({ format: FORMAT, version: VERSION, ...copy }), 0o600);
}
