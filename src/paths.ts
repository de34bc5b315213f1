// Locates the project's own folders (views, public, migrations) from src/ or dist/ alike.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function projectPath(...parts: string[]): string {
  return path.join(root, ...parts);
}
