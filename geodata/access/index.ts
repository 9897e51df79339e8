export * from './accounts.ts';
export * from './scope.ts';
export { REQUEST_ROLE, enterScope, inScope, scopedPool } from './scoped-pool.ts';
export { hashPassword, randomPassword, verifyPassword } from './password-hash.ts';
