// The house's one-way flow, checked on the source: no import circle in edge/src or dashboard/src,
// and the read side (query/), admin/ and pipeline/ never import ingest/ (STYLE.md). Imports are
// read as text (static `import`/`export ... from`), relative paths resolved to files.
//
// Circles count the imports that load code. A type-only import is erased at build, so it orders
// nothing at run time; the one place types do go round is env.ts, the bindings declaration, which
// names the Durable Object class and queue messages whose modules read the bindings (the shape
// `wrangler types` generates too). The folder rules count every import, types included.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.ts$/.test(name) && !/\.(test|d)\.ts$/.test(name) ? [full] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s([^;]*?)\sfrom\s+["'](\.[^"']+)["']|^\s*import\s+["'](\.[^"']+)["']/gm;

/** `import type {…}`, `export type {…}`, or braces holding only `type X` names. */
const typeOnly = (clause: string | undefined) =>
  clause !== undefined && (/^type\s/.test(clause.trim()) || /^\{(\s*type\s+[\w$]+(\s+as\s+[\w$]+)?\s*,?)+\s*\}$/.test(clause.trim()));

/** Each file's relative imports, resolved to files; `runtime` leaves the type-only ones out. */
function graph(dir: string, runtime = false): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sources(dir)) {
    const targets: string[] = [];
    for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
      if (runtime && typeOnly(m[1])) continue;
      const base = path.resolve(path.dirname(file), m[2] ?? m[3]);
      const hit = [`${base}.ts`, path.join(base, "index.ts"), base].find((p) => existsSync(p) && statSync(p).isFile());
      if (hit) targets.push(hit);
    }
    edges.set(file, targets);
  }
  return edges;
}

/** Every circle, each as the list of files it runs through (Tarjan's strongly connected components). */
function circles(edges: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(path.relative(ROOT, w));
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!indices.has(v)) visit(v);
  return found;
}

describe("imports flow one way", () => {
  const edge = graph(path.join(ROOT, "edge/src"));
  const dashboard = graph(path.join(ROOT, "dashboard/src"));

  it("reads the modules it judges", () => {
    expect(edge.size).toBeGreaterThan(50);
    expect(dashboard.size).toBeGreaterThan(20);
    expect([...edge.values()].flat().length).toBeGreaterThan(100);
  });

  it("finds a circle where there is one", () => {
    expect(circles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]))).toEqual([["a", "b", "c"].map((f) => path.relative(ROOT, f)).sort()]);
  });

  it("tells a type-only import from one that loads code", () => {
    expect(["type { A }", "{ type A, type B as C }", "type * as T"].map(typeOnly)).toEqual([true, true, true]);
    expect(["{ A }", "{ type A, B }", "* as T", undefined].map(typeOnly)).toEqual([false, false, false, false]);
  });

  it("has no import circle in edge/src or dashboard/src", () => {
    expect(circles(graph(path.join(ROOT, "edge/src"), true))).toEqual([]);
    expect(circles(graph(path.join(ROOT, "dashboard/src"), true))).toEqual([]);
    // Types included, only the bindings declaration closes a circle (see the top of this file).
    expect(circles(edge).filter((c) => !c.includes("edge/src/env.ts"))).toEqual([]);
    expect(circles(dashboard)).toEqual([]);
  });

  it("keeps query/, admin/ and pipeline/ off ingest/, and query/ off pipeline/ and jobs/", () => {
    const under = (file: string, folder: string) => path.relative(path.join(ROOT, "edge/src", folder), file).split(path.sep)[0] !== "..";
    const crossings = [...edge].flatMap(([file, targets]) => targets
      .filter((t) => (["query", "admin", "pipeline"].some((f) => under(file, f)) && under(t, "ingest"))
        || (under(file, "query") && (under(t, "pipeline") || under(t, "jobs")))
        || (under(file, "pipeline") && under(t, "query")))
      .map((t) => `${path.relative(ROOT, file)} -> ${path.relative(ROOT, t)}`));
    expect(crossings).toEqual([]);
  });
});
