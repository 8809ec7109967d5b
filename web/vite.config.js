import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Built into dist/ and served by the C server from the same origin as /api/v1.
// Templates are compiled here, so the page needs no eval under the server's CSP.
export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](vue|@vue|vue-router)[\\/]/, priority: 2 },
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus)[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
})
