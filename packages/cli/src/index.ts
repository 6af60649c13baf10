/**
 * The commands of the `bolt` executable, callable from a program: each takes the command's
 * arguments (as typed after `bolt <command>`) and resolves to its exit status.
 */
export { type Output, UsageError } from './output.js';
export { PROXY_HELP, proxy } from './proxy.js';
export { QUERY_HELP, query } from './query.js';
export { SHELL_HELP, shell } from './shell.js';
export { STUB_EXIT, STUB_HELP, stub } from './stub.js';
