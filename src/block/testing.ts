/**
 * Test helpers for this folder (internal): where the shared fixtures are and
 * how to read them. The fixtures live beside the repository
 * (`../shared/fixtures` from its root) and are gzip-compressed JSON.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { fixturesDir } from '../fixtures/files.js';

export const FIXTURES = fixturesDir();

export function readJsonFile(path: string): unknown {
  const raw = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return JSON.parse(text);
}

/** Every `.json` / `.json.gz` file under `dir`, sorted. */
export function listJsonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.json') || entry.name.endsWith('.json.gz')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}
