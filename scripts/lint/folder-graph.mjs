#!/usr/bin/env node
/**
 * Prints the folder-level import graph of src/ (type-only imports included) and exits 1 when two folders reach each
 * other: file-level cycles are import-x/no-cycle's to report; this catches the ones that only show between folders.
 * Usage: node scripts/lint/folder-graph.mjs
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ROOT = join(REPO, 'src');
// import/export … from '…', import '…', import('…'): relative specifiers only (packages are not folders of src/).
// A `?iife`/`?inline` specifier names a built file (platform/panel.ts → panel/inject.ts), not code it runs.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"?]+)['"]/g;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) ? [path] : [];
  });
}

function resolveSpecifier(fromFile, specifier) {
  const bare = resolve(dirname(fromFile), specifier.split('?', 1)[0]);
  return [bare, `${bare}.ts`, `${bare}/index.ts`].find((candidate) => /\.(?:ts|js)$/.test(candidate) && existsSync(candidate));
}

const folderOf = (file) => relative(ROOT, dirname(file));

/** folder → (imported folder → number of imports). */
function folderGraph(root) {
  const graph = new Map();
  for (const file of sourceFiles(root)) {
    const from = folderOf(file);
    if (!graph.has(from)) graph.set(from, new Map());
    const edges = graph.get(from);
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    for (const [, specifier] of text.matchAll(SPECIFIER)) {
      const target = resolveSpecifier(file, specifier);
      if (!target || !target.startsWith(root)) continue;
      const to = folderOf(target);
      if (to !== from) edges.set(to, (edges.get(to) ?? 0) + 1);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder (Tarjan): each is a folder-level cycle. */
function cycles(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

const graph = folderGraph(ROOT);
for (const folder of [...graph.keys()].sort()) {
  const targets = [...graph.get(folder).keys()].sort();
  console.log(`${folder || 'src'} → ${targets.length ? targets.join(', ') : '(nothing)'}`);
}
const found = cycles(graph);
for (const component of found) console.error(`folder cycle: ${component.join(' ⇄ ')}`);
if (found.length) process.exit(1);
console.log(`${graph.size} folders, no folder-level cycle`);
