// The session cookie's name and age: set by app.ts, cleared at log-out.
export const SESSION_COOKIE = 'colloquy.sid';
export const SESSION_MAX_AGE = 14 * 24 * 60 * 60 * 1000;
