// Kept by hand in step with package.json: the bundles must not read package.json at run time.
export const LIBRARY_VERSION = "0.1.0";
