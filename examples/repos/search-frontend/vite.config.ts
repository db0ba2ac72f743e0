import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 3000,
    proxy: { "/api": { target: "http://localhost:8081", changeOrigin: true } },
  },
  build: { sourcemap: true, outDir: "dist" },
});
