import { computed, ref, watch } from 'vue'

// Pages a list the server sends whole (a worker's tasks, a statistics table, a building's
// tree), so that a phone never draws hundreds of rows at once (#13 item 4). list is a ref
// or computed array; rows is the current page of it, for the table or the cards, with an
// el-pagination bound to page / size / total. Back to page 1 when the list shrinks below it.
export function usePaged(list, size = 20) {
  const page = ref(1)
  const total = computed(() => list.value.length)
  const rows = computed(() => list.value.slice((page.value - 1) * size, page.value * size))
  watch(total, (n) => {
    if ((page.value - 1) * size >= n) page.value = 1
  })
  return { page, size, total, rows }
}
