/** Set in the detached -d child so it does not detach again. */
export const DETACHED_ENV = 'CACHECTL_HTCACHECLEAN_DETACHED';
/** Run `-d` in the foreground (systemd Type=simple, containers, tests): no fork, logs on stderr. */
export const FOREGROUND_ENV = 'CACHECTL_FOREGROUND';
