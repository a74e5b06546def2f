import { fail, ok, warn, withDetails, type Check } from '../types.js';
import type { DoctorContext } from './context.js';

const CONFIGTEST = 'fix the file named, then confirm with `apachectl configtest` (apache2ctl -t on Debian)';

/** `httpd-config`: was a configuration found, and did it read cleanly. */
export function httpdConfigCheck(ctx: DoctorContext): Check {
  const { setup, cfg } = ctx;
  if (!setup.mainFile || !cfg) {
    return fail('httpd-config', `no httpd configuration found (looked for ${setup.searched.join(', ')})`, 'give the main file with --httpd-config FILE');
  }
  const fails = cfg.problems.filter((p) => p.severity === 'fail').map((p) => p.message);
  const warns = cfg.problems.filter((p) => p.severity === 'warn').map((p) => p.message);
  if (cfg.undefinedVars.length) {
    warns.push(`\${${cfg.undefinedVars.join('}, ${')}} ${cfg.undefinedVars.length === 1 ? 'is' : 'are'} not defined (no Define, not in httpd's environment${setup.envFrom ? ` from ${setup.envFrom}` : ''}): httpd uses the text as written`);
  }
  const all = [...fails, ...warns];
  const more = all.length > 1 ? ` (and ${all.length - 1} more finding${all.length > 2 ? 's' : ''})` : '';
  if (cfg.files.length === 0) return withDetails(fail('httpd-config', `${fails[0] ?? warns[0]}`, 'give the main file with --httpd-config FILE'), all);
  if (fails.length) return withDetails(fail('httpd-config', `${fails[0]}${more}`, CONFIGTEST), all);
  if (warns.length) return withDetails(warn('httpd-config', `${warns[0]}${more}`, CONFIGTEST), all);
  const defs = setup.defines.length ? `, -D ${setup.defines.join(' -D ')} from ${setup.definesFrom}` : '';
  return ok('httpd-config', `read ${cfg.files.length} file${cfg.files.length === 1 ? '' : 's'} from ${setup.mainFile} (ServerRoot ${cfg.serverRoot}${defs}${setup.envFrom ? `, environment from ${setup.envFrom}` : ''}), ${cfg.vhosts.length} virtual host${cfg.vhosts.length === 1 ? '' : 's'}`);
}
