// Builds the dashboard straight into the worker's static assets dir (edge/public/), so the
// worker serves the exact build it ships with: app.js, app.css and index.html.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import resolve from "@rollup/plugin-node-resolve";
import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";

const require = createRequire(import.meta.url);
const read = (path) => readFileSync(path, "utf8");
const shortHash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 10);

/** Emits app.css (uPlot's stylesheet + ours) and index.html with cache-busting query strings. */
function staticAssets() {
  return {
    name: "parcours-static-assets",
    generateBundle(_options, bundle) {
      const css = read(require.resolve("uplot/dist/uPlot.min.css")) + "\n" + read("src/app.css");
      const js = bundle["app.js"].code;
      const page = read("src/index.html")
        .replace("%APP_CSS%", `/app.css?v=${shortHash(css)}`)
        .replace("%APP_JS%", `/app.js?v=${shortHash(js)}`);
      this.emitFile({ type: "asset", fileName: "app.css", source: css });
      this.emitFile({ type: "asset", fileName: "index.html", source: page });
    },
  };
}

export default {
  input: "src/main.ts",
  output: { dir: "../edge/public", entryFileNames: "app.js", format: "es" },
  plugins: [
    resolve({ browser: true }),
    // The read API's contract is the edge's (@parcours/edge/api): compiled with the dashboard's own files.
    typescript({ tsconfig: "./tsconfig.json", noEmit: false, outDir: "../edge/public", include: ["src/**/*.ts", "../edge/src/query/api.ts"] }),
    terser({ ecma: 2020, module: true }),
    staticAssets(),
  ],
};
