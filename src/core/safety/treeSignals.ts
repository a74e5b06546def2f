import type { Seen, TreeSample } from './sampleTree.js';

/** Why a tree is taken for something other than a cache: what it looks like, and the file that says so. */
export interface TreeSignal {
  readonly looksLike: string;
  /** One clause naming the evidence, e.g. "found .ssh/" or "bin/su is setuid". */
  readonly because: string;
}

interface NameMarker {
  readonly looksLike: string;
  readonly names: ReadonlySet<string>;
  /** Only entries of this type count (`.config` the directory is a home's, the file a kernel tree's). */
  readonly type?: 'file' | 'dir';
}

const set = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

/**
 * Names no cache holds: neither httpd (hash names ending in .header/.data, aptmp
 * temp files) nor a downloads cache (name-version.tar.xz). Exact, case-sensitive names.
 */
const NAME_MARKERS: readonly NameMarker[] = [
  { looksLike: 'a version-controlled source tree', names: set('.git .hg .svn .bzr _darcs CVS .gitmodules') },
  {
    looksLike: 'a home directory',
    names: set(`.ssh .gnupg .bashrc .bash_profile .bash_login .bash_logout .bash_history .profile .zshrc .zshenv
      .zprofile .zsh_history .cshrc .tcshrc .login .xinitrc .xsession .xprofile .Xauthority .Xresources .ICEauthority
      .vimrc .viminfo .lesshst .netrc .pgpass .mysql_history .python_history .node_repl_history .gitconfig .npmrc
      .sudo_as_admin_successful .mozilla .thunderbird`),
  },
  { looksLike: 'a home directory', names: set('.config .local'), type: 'dir' },
  {
    looksLike: 'a system configuration directory (/etc)',
    names: set('passwd shadow gshadow fstab sudoers crontab os-release nsswitch.conf login.defs ld.so.conf inittab securetty shells'),
    type: 'file',
  },
  {
    looksLike: 'a source tree or project',
    names: set(`Makefile GNUmakefile makefile CMakeLists.txt configure configure.ac meson.build Kconfig Kbuild
      package.json package-lock.json yarn.lock pnpm-lock.yaml tsconfig.json Cargo.toml go.mod pyproject.toml setup.py
      setup.cfg requirements.txt Pipfile Gemfile pom.xml build.gradle build.xml composer.json .gitignore .editorconfig`),
    type: 'file',
  },
  { looksLike: 'a source tree or project', names: set('node_modules __pycache__ .venv'), type: 'dir' },
  { looksLike: "a database's data directory", names: set('PG_VERSION ibdata1'), type: 'file' },
];

/** Top-level names of a system's root (or of a copy or chroot of one). */
const SYSTEM_ROOT_DIRS = set('bin boot dev etc lib lib64 proc root run sbin srv sys usr var');
const SYSTEM_ROOT_MIN = 3;

/** Distinct owners from which a tree is taken for a shared or system tree (a cache has its server's user, maybe root). */
export const MANY_OWNERS = 4;
/** Executable regular files dominate from more than this share (of at least EXEC_MIN_FILES looked at). */
const EXEC_SHARE = 0.5;
const EXEC_MIN_FILES = 8;

const shown = (s: Seen): string => (s.type === 'dir' ? `${s.rel}/` : s.rel);

/** The shallowest marker wins: a copy of /etc is /etc (passwd) before it is a home (skel/.bashrc). */
function nameSignal(seen: readonly Seen[]): TreeSignal | null {
  let best: { hit: Seen; marker: NameMarker } | null = null;
  for (const m of NAME_MARKERS) {
    for (const s of seen) {
      if (!m.names.has(s.name) || !(m.type === undefined ? s.type === 'file' || s.type === 'dir' : s.type === m.type)) continue;
      if (!best || s.depth < best.hit.depth) best = { hit: s, marker: m };
    }
  }
  return best && { looksLike: best.marker.looksLike, because: `found ${shown(best.hit)}` };
}

function systemRootSignal(seen: readonly Seen[]): TreeSignal | null {
  // Merged-/usr systems have bin, lib, sbin as symlinks into usr: they count too.
  const top = seen.filter((s) => s.depth === 0 && (s.type === 'dir' || s.type === 'symlink') && SYSTEM_ROOT_DIRS.has(s.name));
  if (top.length < SYSTEM_ROOT_MIN) return null;
  return { looksLike: "a system's root file system", because: `found ${top.slice(0, 4).map((s) => `${s.name}/`).join(', ')}` };
}

function specialFileSignal(seen: readonly Seen[]): TreeSignal | null {
  const dev = seen.find((s) => s.type === 'device');
  if (dev) return { looksLike: 'a system directory (/dev)', because: `${dev.rel} is a device node` };
  const ipc = seen.find((s) => s.type === 'socket' || s.type === 'fifo');
  if (ipc) return { looksLike: 'a runtime directory (/run)', because: `${ipc.rel} is a ${ipc.type === 'fifo' ? 'named pipe' : 'socket'}` };
  return null;
}

function setidSignal(seen: readonly Seen[]): TreeSignal | null {
  // Regular files only: setgid directories are how shared download dirs keep their group.
  const f = seen.find((s) => s.type === 'file' && s.st && (s.st.mode & 0o6000) !== 0);
  if (!f) return null;
  const what = (f.st!.mode & 0o4000) !== 0 ? 'setuid' : 'setgid';
  return { looksLike: 'installed programs', because: `${f.rel} is ${what}` };
}

function ownersSignal(sample: TreeSample): TreeSignal | null {
  const uids = new Set([sample.rootStat.uid]);
  for (const s of sample.seen) if (s.st) uids.add(s.st.uid);
  if (uids.size < MANY_OWNERS) return null;
  const list = [...uids].sort((a, b) => a - b);
  return { looksLike: 'a shared or system tree', because: `its files belong to ${uids.size} different users (uid ${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''})` };
}

function executablesSignal(seen: readonly Seen[]): TreeSignal | null {
  const files = seen.filter((s) => s.type === 'file' && s.st);
  const exec = files.filter((s) => (s.st!.mode & 0o111) !== 0);
  if (files.length < EXEC_MIN_FILES || exec.length <= files.length * EXEC_SHARE) return null;
  return { looksLike: 'a directory of programs', because: `${exec.length} of the ${files.length} files looked at are executable` };
}

/**
 * The first strong sign, in the sample, that the tree is something other than a cache;
 * null when there is none. `isApache`: the tree is proven an httpd cache, whose hash
 * directories may by chance be named like a system root's (CacheDirLength 3: `etc`, `usr`).
 */
export function treeSignal(sample: TreeSample, isApache: boolean): TreeSignal | null {
  return specialFileSignal(sample.seen)
    ?? setidSignal(sample.seen)
    ?? nameSignal(sample.seen)
    ?? (isApache ? null : systemRootSignal(sample.seen))
    ?? ownersSignal(sample)
    ?? executablesSignal(sample.seen);
}
