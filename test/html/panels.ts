/** The panels every page has (with a run log and access logs; Gentoo's and errors' only when there is something). */
export const PANELS = ['space', 'dead-weight', 'age', 'sizes', 'hosts', 'paths', 'largest', 'history', 'sizing'];
