import type { SysRoot } from './sysRoot.js';

export interface Account { readonly name: string; readonly uid: number; readonly gid: number }

/** Users and groups of the checked machine, from its /etc/passwd and /etc/group (no NSS, no LDAP). */
export class Accounts {
  private constructor(
    private readonly users: Account[],
    private readonly groups: { name: string; gid: number; members: string[] }[],
  ) {}

  static async load(sys: SysRoot): Promise<Accounts> {
    const p = await sys.readText('/etc/passwd');
    const g = await sys.readText('/etc/group');
    const rows = (t: string) => t.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
    const users = p.ok ? rows(p.text).filter((f) => f.length >= 4).map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]) })) : [];
    const groups = g.ok ? rows(g.text).filter((f) => f.length >= 3).map((f) => ({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) })) : [];
    return new Accounts(users, groups);
  }

  /** A user by name, or by `#uid` as httpd's User accepts it. */
  user(spec: string): Account | null {
    if (/^#\d+$/.test(spec)) {
      const uid = Number(spec.slice(1));
      return this.users.find((u) => u.uid === uid) ?? { name: spec, uid, gid: -1 };
    }
    return this.users.find((u) => u.name === spec) ?? null;
  }

  nameOf(uid: number): string {
    return this.users.find((u) => u.uid === uid)?.name ?? `uid ${uid}`;
  }

  groupNameOf(gid: number): string {
    return this.groups.find((g) => g.gid === gid)?.name ?? `gid ${gid}`;
  }

  /** The groups a user is in: its primary group and every group that lists it. */
  gidsOf(a: Account): number[] {
    return [a.gid, ...this.groups.filter((g) => g.members.includes(a.name)).map((g) => g.gid)];
  }
}

/** Whether a user may write to a directory with this owner and mode (root always may). */
export function canWrite(st: { uid: number; gid: number; mode: number }, uid: number, gids: readonly number[]): boolean {
  if (uid === 0) return true;
  if (st.uid === uid) return (st.mode & 0o300) === 0o300;
  if (gids.includes(st.gid)) return (st.mode & 0o030) === 0o030;
  return (st.mode & 0o003) === 0o003;
}
