// The one entry for test helpers: a test app on a fresh database, people and posts,
// sessions and tokens, comments, a clock that moves when told, and the import scanner.
// (Browser tests also use ./browser.ts, kept apart so other tests never load playwright;
// the tests of real processes use ./server-process.ts and ./nginx.ts.)
export * from './test-app.js';
export * from './admin-session.js';
export * from './comments.js';
export * from './clock.js';
export * from './import-graph.js';
