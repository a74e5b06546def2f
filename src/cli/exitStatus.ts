/** The exit codes, as every command's --help ends (README: Exit status). */
export const EXIT_STATUS_HELP = `
Exit status:
  0  done, or nothing to do
  1  some files could not be read or deleted (see stderr)
  2  usage error: a bad option, value or path, or a directory that is not a cache
  3  another cachectl holds the lock for this cache
  4  the target was not met; stderr says why (never 0 while over a target)
  130/143  interrupted by SIGINT/SIGTERM`;
