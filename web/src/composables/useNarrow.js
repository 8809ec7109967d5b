import { onBeforeUnmount, ref } from 'vue'

const QUERY = '(max-width: 768px)'

// True on phone-sized screens, where the sidebar becomes a drawer.
export function useNarrow() {
  const media = window.matchMedia(QUERY)
  const narrow = ref(media.matches)
  const update = (e) => (narrow.value = e.matches)
  media.addEventListener('change', update)
  onBeforeUnmount(() => media.removeEventListener('change', update))
  return narrow
}
