/** The two kinds of tree cachectl prunes: an httpd mod_cache_disk cache, or plain files. */
export type CacheFormat = 'apache' | 'files';
