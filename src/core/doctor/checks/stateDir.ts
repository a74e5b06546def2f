import { posix } from 'node:path';
import { fail, ok, warn, worst, type Check, type CheckStatus } from '../types.js';
import { cleanersOf, type DoctorContext, type Target } from './context.js';
import { canWrite } from '../system/accounts.js';
import { DEFAULT_STATE_DIR } from '../../index/stateDir.js';

const ID = 'state-dir';

interface Verdict { status: CheckStatus; text: string; fix: string | null }

/** Whether `user` can keep an index in `dir`: it is a writable directory, or can be made in a writable parent. */
async function judge(ctx: DoctorContext, dir: string, uid: number, gids: readonly number[], who: string): Promise<Verdict> {
  const st = await ctx.sys.stat(dir);
  if (st) {
    if (!st.isDirectory()) return { status: 'fail', text: `${dir} is not a directory`, fix: `remove it and run: install -d -m 0750 -o ${who} ${dir}` };
    if (canWrite(st, uid, gids)) return { status: 'ok', text: `${dir} is writable by ${who}`, fix: null };
    return { status: 'fail', text: `${dir} is not writable by ${who}, so no index is kept and every run reads the whole cache`, fix: `chown ${who} ${dir}` };
  }
  const parent = await ctx.sys.stat(posix.dirname(dir));
  if (parent && canWrite(parent, uid, gids)) return { status: 'ok', text: `${dir} does not exist yet; ${who} can create it`, fix: null };
  return { status: 'warn', text: `${dir} does not exist and ${who} cannot create it, so no index is kept and every run reads the whole cache`, fix: `install -d -m 0750 -o ${who} ${dir}` };
}

/**
 * `state-dir`: where the scheduled cachectl keeps its index (/var/lib/cachectl in the
 * shipped units and scripts, which create it for their user) must be writable by the
 * user it runs as; a plain cron line as httpd's user has no writable home for the default.
 */
export async function stateDirCheck(ctx: DoctorContext, t: Target): Promise<Check> {
  const cache = t.root ?? undefined;
  const runs = cleanersOf(ctx, t).filter((c) => c.tool === 'cachectl' && !c.broken);
  const verdicts: Verdict[] = [];
  for (const c of runs) {
    if (c.stateDir && c.stateDirManaged) { verdicts.push({ status: 'ok', text: `${c.via} keeps its index in ${c.stateDir}, which it creates for its user`, fix: null }); continue; }
    const name = c.runsAsCacheOwner ? null : c.user;
    const account = name ? ctx.accounts.user(name) : { name: 'root', uid: 0, gid: 0 };
    if (!account) continue; // the owner check says the user does not exist
    const dir = c.stateDir ?? (account.uid === 0 ? DEFAULT_STATE_DIR : null);
    if (!dir) {
      verdicts.push({ status: 'warn', text: `${c.via} runs as ${account.name} with no --state-dir or CACHECTL_STATE_DIR: its default, ~/.local/state/cachectl, is rarely writable for httpd's user, so every run reads the whole cache`,
        fix: `CACHECTL_STATE_DIR=/var/lib/cachectl for that line, after install -d -m 0750 -o ${account.name} /var/lib/cachectl` });
      continue;
    }
    const v = await judge(ctx, dir, account.uid, ctx.accounts.gidsOf(account), account.name);
    verdicts.push({ ...v, text: `${c.via}: ${v.text}` });
  }
  if (runs.length === 0) {
    const dir = ctx.stateDir ?? DEFAULT_STATE_DIR;
    if (!ctx.stateDir) return ok(ID, `no scheduled cachectl run to keep an index (a run as root keeps it in ${DEFAULT_STATE_DIR})`, cache);
    verdicts.push(await judge(ctx, dir, ctx.user.uid, ctx.user.gids, ctx.user.uid === 0 ? 'root' : `uid ${ctx.user.uid}`));
  }
  const status = verdicts.reduce<CheckStatus>((s, v) => worst(s, v.status), 'ok');
  const fix = verdicts.filter((v) => v.fix).map((v) => v.fix).join('; ');
  const message = verdicts.map((v) => v.text).join('; ');
  return status === 'ok' ? ok(ID, message, cache) : status === 'warn' ? warn(ID, message, fix, cache) : fail(ID, message, fix, cache);
}
