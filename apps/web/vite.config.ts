// Vite build of the web app. In development, API calls go to the server through the proxy
// (ZENGZHI_API, default http://127.0.0.1:3000); in production the server serves dist/ itself.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = process.env.ZENGZHI_API ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
  build: { target: "es2022", sourcemap: false, chunkSizeWarningLimit: 600 },
  worker: { format: "es" },
  server: { proxy: { "/api": api, "/healthz": api, "/docs": api } },
});
