import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * Trees that are not caches, built for real in a temp dir. `why` is the refusal's
 * reason under `--format files`, where only the tree's look can refuse it: each tree
 * is built to trip one check, so each check has a tree that fails without it.
 */
export interface NotACache {
  readonly name: string;
  readonly why: RegExp;
  /** chown and mknod need root (CI runs as root). */
  readonly rootOnly?: boolean;
  readonly build: (dir: string) => Promise<void>;
}

async function put(dir: string, rel: string, body: string | Buffer = 'x\n', mode?: number): Promise<void> {
  const p = join(dir, rel);
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, body);
  if (mode !== undefined) await chmod(p, mode);
}

/** Copies what exists of the real /etc (a container may lack some files). */
async function copyFromEtc(dir: string, names: string[]): Promise<void> {
  for (const n of names) if (existsSync(`/etc/${n}`)) await cp(`/etc/${n}`, join(dir, n), { recursive: true, preserveTimestamps: true, dereference: false });
}

/** A few downloads, so a check cannot pass a tree just because it is otherwise empty. */
async function tarballs(dir: string): Promise<void> {
  for (const n of ['gcc-14.2.0.tar.xz', 'zlib-1.3.1.tar.gz', 'openssl-3.3.2.tar.gz']) await put(dir, n, Buffer.alloc(3000, 7));
}

function listenOn(path: string): Promise<void> {
  const server = createServer();
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return new Promise((resolve, reject) => server.once('error', reject).listen(path, resolve));
}

/** No automatic gc or maintenance: a background git changing .git would look like our doing. */
const git = (cwd: string, ...args: string[]) => execFileSync('git', [
  '-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'init.defaultBranch=main', '-c', 'gc.auto=0', '-c', 'maintenance.auto=false', ...args,
], { cwd, stdio: 'ignore' });

export const NOT_CACHES: readonly NotACache[] = [
  {
    name: 'a copy of /etc (passwd, group, fstab, skel/, .pwd.lock)',
    why: /system configuration directory \(\/etc\).*found (passwd|fstab|nsswitch\.conf)\)/,
    build: async (d) => {
      await copyFromEtc(d, ['passwd', 'group', 'hostname', 'hosts', 'nsswitch.conf', 'bash.bashrc', 'skel', 'default', 'apt']);
      if (!existsSync(join(d, 'passwd'))) await put(d, 'passwd', 'root:x:0:0:root:/root:/bin/bash\n');
      await put(d, 'fstab', '# <file system> <mount point> <type> <options> <dump> <pass>\n');
      await put(d, '.pwd.lock', '', 0o600);
    },
  },
  { name: 'a copy of /etc/skel', why: /home directory.*found \.(bashrc|profile|bash_logout)/, build: (d) => cp('/etc/skel', d, { recursive: true }).then(() => put(d, '.bashrc', '# ~/.bashrc\n')) },
  {
    name: 'a git checkout',
    why: /version-controlled source tree.*found \.git\//,
    build: async (d) => {
      await put(d, 'README', 'hello\n');
      await put(d, 'docs/guide.txt', 'read me\n');
      git(d, 'init', '-q');
      git(d, 'add', '.');
      git(d, 'commit', '-qm', 'init');
    },
  },
  { name: 'a git worktree (.git is a file)', why: /version-controlled.*found \.git\)/, build: async (d) => { await put(d, '.git', 'gitdir: /srv/repo/.git/worktrees/x\n'); await put(d, 'notes.txt'); } },
  { name: 'a Mercurial clone', why: /version-controlled.*found \.hg\//, build: async (d) => { await put(d, '.hg/store/00changelog.i', Buffer.alloc(64)); await put(d, 'notes.txt'); } },
  { name: 'a Subversion checkout', why: /version-controlled.*found \.svn\//, build: async (d) => { await put(d, '.svn/wc.db', Buffer.alloc(64)); await put(d, 'trunk/notes.txt'); } },
  {
    name: 'a home directory with dotfiles',
    why: /home directory.*found \.(bashrc|profile|bash_history)/,
    build: async (d) => {
      await put(d, '.bashrc', '# ~/.bashrc\n');
      await put(d, '.profile', '# ~/.profile\n');
      await put(d, '.bash_history', 'ls\n');
      await put(d, 'Documents/report.odt', Buffer.alloc(2000));
      await put(d, 'Downloads/firefox-128.0.tar.xz', Buffer.alloc(5000));
    },
  },
  { name: 'a home directory with only .ssh', why: /home directory.*found \.ssh\//, build: async (d) => { await put(d, '.ssh/authorized_keys', 'ssh-ed25519 AAAA test\n', 0o600); await put(d, '.ssh/id_ed25519', 'key\n', 0o600); await put(d, 'notes.txt'); } },
  { name: 'a home directory with .gnupg and .config/', why: /home directory.*found \.(gnupg|config)\//, build: async (d) => { await put(d, '.gnupg/pubring.kbx', Buffer.alloc(32)); await put(d, '.config/app/settings.ini'); await tarballs(d); } },
  { name: 'a copy of /home (homes one level down)', why: /home directory.*found (alice|bob)\/\.(bashrc|profile)/, build: async (d) => { await put(d, 'alice/.bashrc'); await put(d, 'alice/music.ogg', Buffer.alloc(900)); await put(d, 'bob/.profile'); } },
  {
    name: 'a directory of sockets and fifos',
    why: /runtime directory \(\/run\).*is a (socket|named pipe)/,
    build: async (d) => {
      execFileSync('mkfifo', [join(d, 'initctl'), join(d, 'events.fifo')]);
      await listenOn(join(d, 'daemon.sock'));
      await listenOn(join(d, 'control.sock'));
    },
  },
  { name: 'downloads with one named pipe among them', why: /is a named pipe/, build: async (d) => { await tarballs(d); execFileSync('mkfifo', [join(d, 'progress.fifo')]); } },
  { name: 'downloads with a setuid program', why: /installed programs.*bin\/helper is setuid/, build: async (d) => { await tarballs(d); await put(d, 'bin/helper', '#!/bin/sh\n', 0o4755); } },
  { name: 'downloads with a setgid program', why: /installed programs.*games\/score is setgid/, build: async (d) => { await tarballs(d); await put(d, 'games/score', '#!/bin/sh\n', 0o2755); } },
  {
    name: 'a tree of many owners',
    why: /shared or system tree.*belong to 5 different users/,
    rootOnly: true,
    build: async (d) => {
      for (const uid of [1001, 1002, 1003, 1004]) {
        await put(d, `u${uid}/data.bin`, Buffer.alloc(100));
        await chown(join(d, `u${uid}/data.bin`), uid, uid);
      }
    },
  },
  {
    name: 'device nodes',
    why: /system directory \(\/dev\).*null is a device node/,
    rootOnly: true,
    build: async (d) => { execFileSync('mknod', ['-m', '666', join(d, 'null'), 'c', '1', '3']); await tarballs(d); },
  },
  {
    name: 'a node_modules tree',
    why: /source tree or project.*found (left-pad|lodash)\/package\.json/,
    build: async (d) => {
      for (const p of ['left-pad', 'lodash']) {
        await put(d, `${p}/package.json`, `{"name":"${p}","version":"1.0.0"}\n`);
        await put(d, `${p}/index.js`, 'module.exports = 1;\n');
      }
      await mkdir(join(d, '.bin'));
      await symlink('../left-pad/index.js', join(d, '.bin', 'left-pad'));
    },
  },
  { name: 'a project with node_modules/', why: /source tree or project.*found (node_modules\/|package\.json)/, build: async (d) => { await put(d, 'node_modules/x/index.js'); await put(d, 'src/app.ts', 'export {};\n'); await put(d, 'package.json', '{}\n'); } },
  { name: 'a C source tree', why: /source tree or project.*found (Makefile|configure)/, build: async (d) => { await put(d, 'Makefile', 'all:\n'); await put(d, 'configure', '#!/bin/sh\n', 0o755); await put(d, 'src/main.c', 'int main(void){return 0;}\n'); await put(d, 'include/main.h'); } },
  { name: 'a Python project', why: /source tree or project.*found (pyproject\.toml|pkg\/__pycache__\/)/, build: async (d) => { await put(d, 'pyproject.toml', '[project]\n'); await put(d, 'pkg/__init__.py'); await put(d, 'pkg/__pycache__/x.cpython-312.pyc', Buffer.alloc(10)); } },
  { name: 'a Rust project with its build output', why: /source tree or project.*found Cargo\.toml/, build: async (d) => { await put(d, 'Cargo.toml', '[package]\n'); await put(d, 'src/main.rs', 'fn main() {}\n'); await put(d, 'target/debug/app', Buffer.alloc(5000), 0o755); } },
  { name: 'a Go module', why: /source tree or project.*found go\.mod/, build: async (d) => { await put(d, 'go.mod', 'module x\n'); await put(d, 'main.go', 'package main\n'); } },
  { name: 'a kernel tree (.config file, Kconfig)', why: /source tree or project.*found (Kconfig|Makefile)/, build: async (d) => { await put(d, '.config', 'CONFIG_X=y\n'); await put(d, 'Kconfig'); await put(d, 'Makefile'); await put(d, 'kernel/fork.c'); } },
  {
    name: "a copy of a system's root (bin, etc, usr, var)",
    why: /system's root file system.*found/,
    build: async (d) => {
      for (const p of ['etc/motd', 'usr/share/doc/x/copyright', 'var/log/syslog.1', 'bin/README']) await put(d, p);
    },
  },
  {
    name: 'a directory of programs (copies of /usr/bin)',
    why: /directory of programs.*\d+ of the \d+ files looked at are executable/,
    build: async (d) => {
      for (const b of ['true', 'false', 'ls', 'cat', 'echo', 'sleep', 'touch', 'mkdir', 'rmdir', 'ln']) await copyFile(`/usr/bin/${b}`, join(d, b));
      for (const b of ['true', 'false', 'ls', 'cat', 'echo', 'sleep', 'touch', 'mkdir', 'rmdir', 'ln']) await chmod(join(d, b), 0o755);
      await put(d, 'README');
    },
  },
  { name: "PostgreSQL's data directory", why: /database's data directory.*found PG_VERSION/, build: async (d) => { await put(d, 'PG_VERSION', '16\n'); await put(d, 'base/1/1259', Buffer.alloc(8192)); await put(d, 'global/pg_control', Buffer.alloc(8192)); } },
];
