/** ESM + swc (STACK.md): run with NODE_OPTIONS=--experimental-vm-modules (npm test sets it). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30_000,
  // PGlite instances are ~100 MB each; two workers fit the 2-core machine
  maxWorkers: 2,
}
