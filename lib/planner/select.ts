/**
 * Choosing volumes by name: an exact name, a shell-style pattern, or a regular expression. The
 * chosen names go into a temporary table (per connection, never written to the catalog file) that
 * the restore plan joins against, so 100,000 volumes cost one statement, not 100,000.
 */
import type { Catalog } from '../catalog/database.js';
import { PlannerError } from './errors.js';

/**
 * name: exactly this volume name. pattern: SQLite GLOB, case-sensitive, as a shell matches file
 * names (`*`, `?`, `[a-z]`, `[^0-9]`). regex: a JavaScript regular expression, matched anywhere in
 * the name unless anchored.
 */
export type VolumeSelector = { name: string } | { pattern: string } | { regex: string };

/** The temporary table of chosen names. */
export const SELECTED_TABLE = 'temp.planner_names';

export function describeSelector(s: VolumeSelector): string {
  return 'name' in s ? `--name ${s.name}` : 'pattern' in s ? `--pattern ${s.pattern}` : `--regex ${s.regex}`;
}

/**
 * Fills SELECTED_TABLE with the names of catalogued volumes the selectors choose (their union).
 * Returns the selectors that chose nothing. Throws PlannerError 'selector' for an empty selector or
 * a regular expression that does not compile.
 */
export function selectVolumes(cat: Catalog, selectors: readonly VolumeSelector[]): VolumeSelector[] {
  cat.db.exec(`CREATE TABLE IF NOT EXISTS ${SELECTED_TABLE} (name TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM ${SELECTED_TABLE};`);
  const unmatched: VolumeSelector[] = [];
  let distinctNames: string[] | undefined;
  for (const s of selectors) {
    const text = 'name' in s ? s.name : 'pattern' in s ? s.pattern : s.regex;
    if (text === '') throw new PlannerError('selector', `${describeSelector(s)}: empty`);
    let found: boolean;
    if ('name' in s) {
      found = cat.statement('SELECT 1 FROM volumes WHERE name = ?').get(s.name) !== undefined;
      if (found) cat.statement(`INSERT OR IGNORE INTO ${SELECTED_TABLE} (name) VALUES (?)`).run(s.name);
    } else if ('pattern' in s) {
      found = cat.statement('SELECT 1 FROM volumes WHERE name GLOB ?').get(s.pattern) !== undefined;
      if (found) cat.statement(`INSERT OR IGNORE INTO ${SELECTED_TABLE} (name) SELECT DISTINCT name FROM volumes WHERE name GLOB ?`).run(s.pattern);
    } else {
      let re: RegExp;
      try {
        re = new RegExp(s.regex, 'u');
      } catch (e) {
        throw new PlannerError('selector', `${describeSelector(s)}: ${(e as Error).message}`, { cause: e });
      }
      distinctNames ??= cat
        .statement<{ name: string }>('SELECT DISTINCT name FROM volumes')
        .all()
        .map((r) => r.name);
      const insert = cat.statement(`INSERT OR IGNORE INTO ${SELECTED_TABLE} (name) VALUES (?)`);
      found = false;
      for (const name of distinctNames) {
        if (!re.test(name)) continue;
        insert.run(name);
        found = true;
      }
    }
    if (!found) unmatched.push(s);
  }
  return unmatched;
}
