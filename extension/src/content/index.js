// Content-script entry (an ES module, imported by loader.js).
import { Orchestrator } from './orchestrator.js';

export function main() {
  if (globalThis.__claimflagStarted) return;
  globalThis.__claimflagStarted = true;
  const orch = new Orchestrator(window);
  orch.start().catch((err) => {
    console.debug('ClaimFlag: start failed', err);
    document.documentElement?.setAttribute('data-claimflag', 'error');
  });
}
