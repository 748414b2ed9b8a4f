/**
 * `downcheck/no-type-cycle`: import-x/no-cycle leaves type-only imports out (they vanish at run
 * time), but two modules whose types import each other still have to change together. This rule
 * looks at each type-only import and reports it when the imported module leads back, through
 * imports of any kind, to the importing one. Value cycles are import-x/no-cycle's to report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const RELATIVE_SPECIFIER = /(?:^|[\n;])\s*(?:import|export)\b[^'";]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const imports = new Map();

function resolveSpecifier(fromFile, specifier) {
  const bare = resolve(dirname(fromFile), specifier.split('?', 1)[0]);
  for (const candidate of [bare, `${bare}.ts`, `${bare}/index.ts`]) {
    if (/\.(?:ts|js)$/.test(candidate) && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function importsOf(file) {
  let found = imports.get(file);
  if (found) return found;
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // unreadable: no edges
  }
  found = [...text.matchAll(RELATIVE_SPECIFIER)].map((m) => resolveSpecifier(file, m[1])).filter(Boolean);
  imports.set(file, found);
  return found;
}

/** The shortest import route from `start` back to `goal`, or undefined. */
function routeBack(start, goal) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const next of importsOf(file)) {
      if (next === goal) {
        const route = [file];
        for (let at = previous.get(file); at; at = previous.get(at)) route.unshift(at);
        return [...route, goal];
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

const typeOnly = (node) =>
  node.importKind === 'type' ||
  node.exportKind === 'type' ||
  (node.type === 'ImportDeclaration' && node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));

export const noTypeCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid type-only imports that close an import cycle.' },
    schema: [],
    messages: { cycle: 'Import cycle through type imports: {{route}}. Move the shared types into the lower module (core/).' },
  },
  create(context) {
    const file = context.physicalFilename;
    const check = (node) => {
      if (!node.source || typeof node.source.value !== 'string' || !typeOnly(node)) return;
      const target = resolveSpecifier(file, node.source.value);
      if (!target) return;
      const route = target === file ? [file] : routeBack(target, file);
      if (!route) return;
      const from = dirname(file);
      context.report({ node, messageId: 'cycle', data: { route: [file, ...route].map((f) => relative(from, f) || f).join(' → ') } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
