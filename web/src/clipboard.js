// Copies text for the user. The clipboard API needs a secure context (HTTPS or localhost);
// elsewhere the older execCommand on a selected input still works. Resolves false when
// neither does (the caller then asks the user to copy by hand).
export async function copyText(text, input) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text)
      return true
    }
    input?.select()
    return Boolean(input) && document.execCommand('copy')
  } catch {
    return false
  }
}
