/** The version the echo handler answers with; the watch test rewrites a copy of this file. */
export const VERSION = 'v1';
