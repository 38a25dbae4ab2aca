// Three kinds of output: the npm package (ESM + CJS; types come from tsc, see package.json),
// and the two script-tag bundles, which the edge serves from edge/public/ (as counterscale's
// worker serves the tracker it was built with).
import { copyFile, mkdir } from "node:fs/promises";
import resolve from "@rollup/plugin-node-resolve";
import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";

const ts = (target) => typescript({ tsconfig: "./tsconfig.json", declaration: false, outDir: undefined, ...(target && { target }) });

// s.js is measured in bytes (size.test.ts): mangle everything top-level, and `_`-prefixed
// properties, which by convention are private. Several passes find the last few bytes, and
// inlining only simple functions (inline: 1) leaves s.js a few bytes shorter than inlining all.
const tiny = () =>
  terser({
    ecma: 2020,
    toplevel: true,
    compress: { passes: 3, unsafe_arrows: true, pure_getters: true, inline: 1 },
    mangle: { properties: { regex: /^_/ } },
    format: { comments: false },
  });

const publishToEdge = () => ({
  name: "publish-to-edge",
  async writeBundle({ file }) {
    await mkdir("../edge/public", { recursive: true });
    await copyFile(file, "../edge/public/" + file.split("/").pop());
  },
});

const scriptTag = (input, file) => ({
  input,
  // Browsers from 2021 on run ES2021 as is; down-levelling ||= and ?? would only add bytes.
  output: { file, format: "iife", strict: false },
  plugins: [resolve(), ts("ES2021"), tiny(), publishToEdge()],
});

export default [
  {
    input: "src/index.ts",
    output: [
      { file: "dist/index.js", format: "es" },
      { file: "dist/index.cjs", format: "cjs" },
    ],
    plugins: [ts()],
  },
  scriptTag("src/loader.ts", "dist/s.js"),
  scriptTag("src/vitals.ts", "dist/v.js"),
  scriptTag("src/link-tracker.ts", "dist/l.js"),
  scriptTag("src/survey.ts", "dist/f.js"),
];
