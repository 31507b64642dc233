// Runs axe-core (the accessibility rules engine) in a page and fails on serious or
// critical violations. The script is injected with page.evaluate, which runs through
// the DevTools protocol and so outside the page's Content Security Policy: the
// server's CSP stays on, and the app's own scripts remain the only ones it allows.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Page, expect } from '@playwright/test';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const FAILING_IMPACTS = new Set(['serious', 'critical']);

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Checks the current state of `page` with every axe rule and expects no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations: Violation[] = await page.evaluate(async () => {
    // axe is the global that the injected script defines.
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
    }));
  });
  const failing = violations.filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''));
  expect(failing, `serious or critical axe violations on the ${screen} screen`).toEqual([]);
}
