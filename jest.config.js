/** ESM + swc (STACK.md): run with NODE_OPTIONS=--experimental-vm-modules (npm test sets it). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30_000,
  // PGlite instances are ~100 MB each; three workers on the 2-core machine, since browser and PostgreSQL
  // tests spend much of their time waiting (a clean-clone .ci/run: 2,417 passed, 11 min 53 s)
  maxWorkers: 3,
}
