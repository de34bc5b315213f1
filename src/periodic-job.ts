// The server's periodic jobs (retention, the Trash purge): run once now and then every
// `everyMs`, until stopped. The timer does not keep the process alive; a failed run is
// logged and the next one tries again.
import type { Logger } from './logger.js';

export function startPeriodicJob(everyMs: number, logger: Logger, failure: string, run: () => void): { stop(): void } {
  const attempt = () => {
    try {
      run();
    } catch (err) {
      logger.error({ err }, failure);
    }
  };
  attempt();
  const timer = setInterval(attempt, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
