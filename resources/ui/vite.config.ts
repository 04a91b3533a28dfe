import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

const root = new URL('.', import.meta.url).pathname

/** Two single-page apps, one build: the backoffice and the digital menu share React and the API client. */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  publicDir: `${root}public`,
  build: {
    outDir: `${root}../../public/ui`,
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: { input: { admin: `${root}admin.html`, menu: `${root}menu.html` } },
  },
})
