// Build the operations picture into the Python package, so `pip install seawarden` serves it without Node.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const outDir = fileURLToPath(new URL("../seawarden/web/static", import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./", // relative asset URLs: the page works behind a reverse proxy under any path prefix
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 1500, // MapLibre alone is ~1 MB minified; it is one cached, hashed file
    assetsInlineLimit: 0, // never inline the MapLibre worker as a data: URL (CSP forbids it)
  },
  server: {
    // `npm run dev` against a running `seawarden demo` on :8080
    proxy: { "/api": { target: "http://127.0.0.1:8080", ws: true } },
  },
});
