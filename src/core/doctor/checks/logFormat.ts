import { posix } from 'node:path';
import { ok, warn, type Check } from '../types.js';
import type { DoctorContext, Target } from './context.js';
import { effectiveAll, serverLabel, at } from '../httpd/servers.js';
import type { Directive, HttpdConfig } from '../httpd/parse.js';
import { COMBINED, COMMON, compileLogFormat } from '../../accessLog/logFormat.js';

const ID = 'log-format';
const FIELD = '%{cache-status}e';
/** mod_log_config's format when TransferLog has no LogFormat without a nickname. */
const CLF = '%h %l %u %t "%r" %>s %b';
const SUGGESTED = `LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\" \\"${FIELD}\\"" cachelog`;

interface AccessLog { file: string; format: string; formatName: string; d: Directive }

/** A log's format: a LogFormat nickname (the server's own definition first), or the string itself. */
function formatOf(cfg: HttpdConfig, server: number, d: Directive): { format: string; name: string } {
  const formats = cfg.directives.filter((x) => x.name === 'logformat');
  if (d.name === 'transferlog') {
    const plain = [...formats].reverse().find((x) => x.args.length === 1 && (x.server === server || x.server === 0));
    return { format: plain?.args[0] ?? CLF, name: plain ? `the LogFormat at ${at(plain)}` : 'the common log format' };
  }
  const arg = d.args[1] ?? CLF;
  const named = [...formats].reverse().filter((x) => x.args[1] === arg);
  const def = named.find((x) => x.server === server) ?? named.find((x) => x.server === 0);
  // mod_log_config takes an unknown nickname for a format string of its own.
  return def ? { format: def.args[0], name: `"${arg}"` } : { format: arg, name: arg.includes('%') ? 'an inline format' : `"${arg}" (no LogFormat defines it: httpd logs that word)` };
}

/** The file a log writes, for --access-log: ServerRoot-relative, or a piped logger's command. */
function fileOf(cfg: HttpdConfig, arg: string): string {
  if (arg.startsWith('|')) return arg;
  return posix.resolve(cfg.serverRoot, arg);
}

function logsOf(cfg: HttpdConfig, servers: readonly number[]): AccessLog[] {
  const seen = new Set<Directive>();
  const out: AccessLog[] = [];
  for (const s of servers) {
    for (const d of effectiveAll(cfg, s, ['customlog', 'transferlog'])) {
      if (seen.has(d) || !d.args[0]) continue;
      seen.add(d);
      const f = formatOf(cfg, s, d);
      out.push({ file: fileOf(cfg, d.args[0]), format: f.format, formatName: f.name, d });
    }
  }
  return out;
}

/** How cachectl is told to read this log: --access-log, and --access-log-format unless common or combined. */
function accessLogArgs(l: AccessLog): string {
  const file = l.file.startsWith('|') ? `the files written by ${l.file}` : l.file;
  const std = [COMMON, COMBINED].some((f) => f.replace(/%b|%O/g, '%b').toLowerCase() === l.format.replace(/%O/g, '%b').toLowerCase());
  return `--access-log ${file}${std ? '' : ` --access-log-format '${l.format}'`}`;
}

/**
 * `log-format`: a CustomLog whose format records `%{cache-status}e` tells hits from
 * misses (for sizing the cache), and it is the log `--access-log` should be given for
 * recency. Looks at the logs the cache's servers write (a vhost with its own CustomLog
 * does not write the main server's).
 */
export function logFormatCheck(ctx: DoctorContext, t: Target): Check {
  const cache = t.root ?? undefined;
  if (!ctx.cfg) return warn(ID, 'no httpd configuration was read, so its access logs are unknown', 'give the main file with --httpd-config FILE', cache);
  const logs = logsOf(ctx.cfg, t.servers);
  const who = t.servers.map((s) => serverLabel(ctx.cfg!, s)).join('; ');
  const fix = `${SUGGESTED}, then CustomLog <file> cachelog`;
  if (logs.length === 0) return warn(ID, `${who} writes no access log (no CustomLog or TransferLog), so there is nothing to read hits, misses or recency from`, fix, cache);
  const withField = logs.find((l) => l.format.includes(FIELD));
  if (withField) {
    let readable = true;
    try { compileLogFormat(withField.format); } catch { readable = false; }
    const tail = readable ? `give cachectl ${accessLogArgs(withField)}` : `but its format lacks %t or %r, which cachectl needs to read it`;
    return ok(ID, `${withField.file} (CustomLog at ${at(withField.d)}, format ${withField.formatName}) records ${FIELD}: ${tail}`, cache);
  }
  const l = logs[0];
  let readable = true;
  try { compileLogFormat(l.format); } catch { readable = false; }
  const recency = readable ? `; for recency alone give cachectl ${accessLogArgs(l)}` : '';
  return warn(ID, `no access log records ${FIELD} (${l.file}, CustomLog at ${at(l.d)}, uses format ${l.formatName}), so hits cannot be told from misses${recency}`,
    `${SUGGESTED}, and name cachelog in the CustomLog at ${at(l.d)}`, cache);
}
